package dev.tokenkeeper.web;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebClients built without Boot's {@code WebClient.Builder}: untouched unless the user adds
 * the {@code tokenKeeperExchangeFilterFunction} bean.
 */
class TokenKeeperFilterBeanTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"));
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void webClientWhenBuiltWithFilterBeanThenBearerToken() {
		this.contextRunner.run((context) -> {
			WebClient webClient = WebClient.builder()
				.filter(context.getBean("tokenKeeperExchangeFilterFunction", TokenKeeperExchangeFilterFunction.class))
				.build();
			call(webClient);
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader(HttpHeaders.AUTHORIZATION,
					equalTo("Bearer token-1")));
		});
	}

	@Test
	void webClientWhenCreatedWithoutBootBuilderThenNoAuthorization() {
		this.contextRunner.run((context) -> {
			call(WebClient.create());
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")).withoutHeader(HttpHeaders.AUTHORIZATION));
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void webClientWhenBootBuilderAlsoGivenFilterBeanThenOneBearerToken() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class)
				.filter(context.getBean(TokenKeeperExchangeFilterFunction.class))
				.build();
			call(webClient);
			LoggedRequest request = this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms"))).get(0);
			assertThat(request.getHeaders().getHeader(HttpHeaders.AUTHORIZATION).values())
				.containsExactly("Bearer token-1");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	private void call(WebClient webClient) {
		assertThat(webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class)
			.block(BLOCK)).isEqualTo("ok");
	}

}
