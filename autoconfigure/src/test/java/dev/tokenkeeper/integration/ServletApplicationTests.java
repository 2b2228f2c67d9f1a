package dev.tokenkeeper.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.client.TokenKeeperServletAuthorizedClientManager;
import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.OwnEventLoops;
import dev.tokenkeeper.test.TokenEndpointStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A servlet application ({@code spring-boot-starter-web}, no WebFlux server) calling a
 * partner API through Boot's {@code RestClient.Builder} from its request threads. Spring
 * Security is on the test classpath for other tests; this app has none, as a plain
 * {@code spring-boot-starter-web} app with the starter would not.
 */
class ServletApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	// HTTP/1.1 only: the JDK client would put 200 concurrent calls on one HTTP/2 connection,
	// over its stream limit
	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(100).http2PlainDisabled(true));

	private final WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private ConfigurableApplicationContext context;

	@BeforeEach
	void startServers() {
		this.server.start();
		this.other.start();
		this.other.stubFor(get(urlPathEqualTo("/weather")).willReturn(aResponse().withBody("sunny")));
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
		this.other.stop();
	}

	@Test
	void servletAppWhenStartedThenServletServerAndNoReactiveServer() {
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1");
		this.context = start();
		assertThat(this.context).isInstanceOf(ServletWebServerApplicationContext.class);
		assertThat(this.context.getBeanNamesForType(ReactiveWebServerFactory.class)).isEmpty();
		assertThat(this.context.getBean(OAuth2AuthorizedClientManager.class))
			.isInstanceOf(TokenKeeperServletAuthorizedClientManager.class);
	}

	@Test
	void concurrentRequestsWhenCacheColdThenOneTokenRequestServesAllRestClientCalls() throws Exception {
		// a slow token endpoint: the calls pile up behind the one token request
		this.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/oauth2/token"))
			.willReturn(aResponse().withFixedDelay(300)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("rooms")));
		this.context = start();
		List<String> bodies = concurrently(200, () -> appGet("/rooms"));
		assertThat(bodies).hasSize(200).containsOnly("rooms");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		this.server.verify(200, getRequestedFor(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1")));
		// Spring Security's servlet manager hands out the same cached token
		OAuth2AuthorizedClient client = this.context.getBean(OAuth2AuthorizedClientManager.class)
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("batch").build());
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("token-1");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
	}

	@Test
	void requestWhenPartnerRefusesTokenThenReplayedOnceWithNewToken() throws Exception {
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-2"))
			.willReturn(aResponse().withBody("rooms")));
		this.context = start();
		assertThat(appGet("/rooms")).isEqualTo("rooms");
		this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1")));
		this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-2")));
	}

	@Test
	void requestWhenHostNotConfiguredThenNoTokenGoesThere() throws Exception {
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1");
		this.context = start();
		assertThat(appGet("/weather")).isEqualTo("sunny");
		this.other.verify(1, getRequestedFor(urlPathEqualTo("/weather")).withoutHeader(HttpHeaders.AUTHORIZATION));
		this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
	}

	private String appGet(String path) throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("status of %s", path).isEqualTo(200);
		return response.body();
	}

	private static <T> List<T> concurrently(int calls, java.util.concurrent.Callable<T> call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(calls);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return call.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private ConfigurableApplicationContext start() {
		return start(this.server, this.other.baseUrl() + "/weather", Map.of());
	}

	/**
	 * Start {@link ServletApplication} with one registration, {@code partner}, whose token
	 * endpoint and API ({@code /api}) are on {@code server}.
	 * @param server the partner's token endpoint and API
	 * @param weatherApi the URL of a public API without tokens
	 * @param extra further properties, e.g. {@code spring.threads.virtual.enabled}
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(WireMockServer server, String weatherApi, Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("tokenkeeper.clients.partner.token-uri", server.baseUrl() + "/oauth2/token");
		properties.put("tokenkeeper.clients.partner.client-id", "partner-client");
		properties.put("tokenkeeper.clients.partner.client-secret", "partner-secret");
		properties.put("tokenkeeper.clients.partner.base-urls", server.baseUrl() + "/api");
		properties.put("partner-api", server.baseUrl() + "/api");
		properties.put("weather-api", weatherApi);
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.exclude((candidate) -> candidate.startsWith("org.springframework.boot.security.")));
		// the JDK's client takes 200 concurrent calls; Reactor Netty's default pool queues fewer
		properties.put("spring.http.clients.imperative.factory", "jdk");
		properties.put("spring.config.name", "servlet-application-tests");
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("spring.main.banner-mode", "off");
		properties.putAll(extra);
		return new SpringApplicationBuilder(ServletApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
	}

	/** A servlet app whose endpoints call a partner API and a public one through RestClient. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ OwnEventLoops.class, ServletApplication.Endpoints.class })
	static class ServletApplication {

		@RestController
		static class Endpoints {

			private final RestClient restClient;

			private final Environment environment;

			Endpoints(RestClient.Builder builder, Environment environment) {
				this.restClient = builder.build();
				this.environment = environment;
			}

			@GetMapping("/rooms")
			String rooms() {
				return this.restClient.get()
					.uri(this.environment.getRequiredProperty("partner-api") + "/rooms")
					.retrieve()
					.body(String.class);
			}

			@GetMapping("/weather")
			String weather() {
				return this.restClient.get()
					.uri(this.environment.getRequiredProperty("weather-api"))
					.retrieve()
					.body(String.class);
			}

		}

	}

}
