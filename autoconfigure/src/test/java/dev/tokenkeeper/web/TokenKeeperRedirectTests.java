package dev.tokenkeeper.web;

import java.net.http.HttpClient;
import java.time.Instant;
import java.util.function.Function;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.JdkClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redirects of requests that carry a token, on every connector and request factory Spring
 * Boot supports: the API lives at {@code http://localhost:<port>/api}, the other host is
 * {@code http://127.0.0.1:<other port>}. A hop keeps the token only under the base URL;
 * requests without a token keep Boot's own redirect handling.
 */
class TokenKeeperRedirectTests {

	private final WireMockServer api = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@BeforeEach
	void setUp() {
		this.api.start();
		this.other.start();
		TokenEndpointStubs.sequence(this.api, "/oauth2/token", 300, "token-1");
		this.api.stubFor(get(urlPathEqualTo("/api/to-other")).willReturn(redirect(302, otherUrl("/landing"))));
		this.api.stubFor(post(urlPathEqualTo("/api/post-to-other")).willReturn(redirect(307, otherUrl("/landing"))));
		this.api.stubFor(get(urlPathEqualTo("/api/out")).willReturn(redirect(302, apiUrl("/outside"))));
		this.api.stubFor(get(urlPathEqualTo("/api/old")).willReturn(redirect(301, "new")));
		this.api.stubFor(post(urlPathEqualTo("/api/old-post")).willReturn(redirect(308, "/api/new-post")));
		this.api.stubFor(get(urlPathEqualTo("/plain")).willReturn(redirect(302, otherUrl("/landing"))));
		this.api.stubFor(get(urlPathEqualTo("/outside")).willReturn(aResponse().withBody("outside")));
		this.api.stubFor(get(urlPathEqualTo("/api/new")).willReturn(aResponse().withBody("new")));
		this.api.stubFor(post(urlPathEqualTo("/api/new-post")).willReturn(aResponse().withBody("new-post")));
		this.other.stubFor(any(urlPathEqualTo("/landing")).willReturn(aResponse().withBody("other")));
	}

	@AfterEach
	void tearDown() {
		this.api.stop();
		this.other.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { "reactor", "jdk", "jetty", "http-components" })
	void webClientWhenRedirectedThenTokenOnlyUnderBaseUrl(String connector) {
		run(WebClientContexts.runner(this.clock).withPropertyValues("spring.http.clients.reactive.connector=" + connector),
				(context) -> webClient(context.getBean(WebClient.Builder.class).build()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdk", "jetty", "http-components", "reactor", "simple" })
	void restClientWhenRedirectedThenTokenOnlyUnderBaseUrl(String factory) {
		run(RestClientContexts.runner(this.clock).withPropertyValues("spring.http.clients.imperative.factory=" + factory),
				(context) -> restClient(context.getBean(RestClient.Builder.class).build()));
	}

	@Test
	void webClientWhenCustomizerFollowsRedirectsThenTokenOnlyUnderBaseUrl() {
		ClientHttpConnectorBuilderCustomizer<JdkClientHttpConnectorBuilder> followAll = (builder) -> builder
			.withHttpClientCustomizer((httpClient) -> httpClient.followRedirects(HttpClient.Redirect.ALWAYS));
		run(WebClientContexts.runner(this.clock)
			.withPropertyValues("spring.http.clients.reactive.connector=jdk")
			.withBean("followAll", ClientHttpConnectorBuilderCustomizer.class, () -> followAll),
				(context) -> webClient(context.getBean(WebClient.Builder.class).build()));
	}

	@Test
	void restClientWhenCustomizerFollowsRedirectsThenTokenOnlyUnderBaseUrl() {
		ClientHttpRequestFactoryBuilderCustomizer<JdkClientHttpRequestFactoryBuilder> followAll = (builder) -> builder
			.withHttpClientCustomizer((httpClient) -> httpClient.followRedirects(HttpClient.Redirect.ALWAYS));
		run(RestClientContexts.runner(this.clock)
			.withBean("followAll", ClientHttpRequestFactoryBuilderCustomizer.class, () -> followAll),
				(context) -> restClient(context.getBean(RestClient.Builder.class).build()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "NORMAL", "ALWAYS" })
	void webClientWhenOwnConnectorWrappedThenTokenOnlyUnderBaseUrl(String redirects) {
		HttpClient.Redirect following = HttpClient.Redirect.valueOf(redirects);
		run(WebClientContexts.runner(this.clock), (context) -> {
			// a WebClient of the application's own, with a connector that follows redirects
			WebClient webClient = WebClient.builder()
				.clientConnector(TokenKeeperTransports.connector(
						new JdkClientHttpConnector(HttpClient.newBuilder().followRedirects(following).build()),
						() -> new JdkClientHttpConnector(
								HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build())))
				.filter(context.getBean(TokenKeeperExchangeFilterFunction.class))
				.build();
			return webClient(webClient);
		});
	}

	private void run(ApplicationContextRunner runner, Function<ApplicationContext, Client> clients) {
		runner.withPropertyValues(WebClientContexts.registration("partner", apiUrl("/oauth2/token"), apiUrl("/api")))
			.run((context) -> {
				Client client = clients.apply(context);
				assertThat(client.get(apiUrl("/api/to-other"))).as("302 to another host").isEqualTo("other");
				assertThat(client.post(apiUrl("/api/post-to-other"), "payload")).as("307 to another host")
					.isEqualTo("other");
				this.other.verify(postRequestedFor(urlPathEqualTo("/landing")).withRequestBody(equalTo("payload")));
				this.other.verify(0, anyRequestedFor(anyUrl()).withHeader(HttpHeaders.AUTHORIZATION, matching(".*")));

				assertThat(client.get(apiUrl("/api/out"))).as("302 out of the base URL").isEqualTo("outside");
				this.api.verify(1, getRequestedFor(urlPathEqualTo("/outside")).withoutHeader(HttpHeaders.AUTHORIZATION));

				assertThat(client.get(apiUrl("/api/old"))).as("301 within the base URL").isEqualTo("new");
				this.api.verify(1, getRequestedFor(urlPathEqualTo("/api/new")).withHeader(HttpHeaders.AUTHORIZATION,
						equalTo("Bearer token-1")));
				assertThat(client.post(apiUrl("/api/old-post"), "again")).as("308 within the base URL")
					.isEqualTo("new-post");
				this.api.verify(1, postRequestedFor(urlPathEqualTo("/api/new-post"))
					.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1"))
					.withRequestBody(equalTo("again")));

				assertThat(client.get(apiUrl("/plain"))).as("a request without a token follows as Boot does")
					.isEqualTo("other");
				this.api.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			});
	}

	private static Client webClient(WebClient webClient) {
		return new Client() {

			@Override
			public String get(String url) {
				return webClient.get().uri(url).retrieve().bodyToMono(String.class).block();
			}

			@Override
			public String post(String url, String body) {
				return webClient.post().uri(url).bodyValue(body).retrieve().bodyToMono(String.class).block();
			}

		};
	}

	private static Client restClient(RestClient restClient) {
		return new Client() {

			@Override
			public String get(String url) {
				return restClient.get().uri(url).retrieve().body(String.class);
			}

			@Override
			public String post(String url, String body) {
				return restClient.post().uri(url).body(body).retrieve().body(String.class);
			}

		};
	}

	private static ResponseDefinitionBuilder redirect(int status, String location) {
		return aResponse().withStatus(status).withHeader(HttpHeaders.LOCATION, location);
	}

	private String apiUrl(String path) {
		return "http://localhost:" + this.api.port() + path;
	}

	private String otherUrl(String path) {
		return "http://127.0.0.1:" + this.other.port() + path;
	}

	/** The calls a test makes, whatever client makes them. */
	private interface Client {

		String get(String url);

		String post(String url, String body);

	}

}
