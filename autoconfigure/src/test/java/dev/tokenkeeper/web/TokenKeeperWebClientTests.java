package dev.tokenkeeper.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.TestWebClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class TokenKeeperWebClientTests {

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(300).jettyAcceptors(4));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
					TokenKeeperWebClientAutoConfiguration.class))
			.withBean(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, java.time.Clock.class, () -> this.clock)
			.withPropertyValues("tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/oauth2/token",
					"tokenkeeper.clients.partner.client-id=client", "tokenkeeper.clients.partner.client-secret=a+b/c:=%",
					"tokenkeeper.clients.partner.base-urls=" + this.server.baseUrl() + "/api");
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2");
		for (String token : List.of("token-1", "token-2")) {
			this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(aResponse().withBody("ok")));
		}
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void concurrentFirstCallsWhenColdThenOneTokenRequest() {
		this.contextRunner.run((context) -> {
			WebClient webClient = TestWebClients.build(context.getBean(WebClient.Builder.class), 200);
			List<String> bodies = Flux.range(0, 1000)
				.flatMap((i) -> webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve()
					.bodyToMono(String.class), 1000)
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(bodies).hasSize(1000).containsOnly("ok");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1000, getRequestedFor(urlPathEqualTo("/api/rooms"))
				.withHeader("Authorization", equalTo("Bearer token-1")));
		});
	}

	@Test
	void concurrentCallsWhenTokenExpiredThenOneNewTokenRequest() {
		this.contextRunner.run((context) -> {
			WebClient webClient = TestWebClients.build(context.getBean(WebClient.Builder.class), 200);
			assertThat(rooms(webClient).block(Duration.ofSeconds(30))).isEqualTo("ok");
			// 300 s token: usable for 240 s; past that, it is never sent again
			this.clock.advance(Duration.ofSeconds(241));
			List<String> bodies = Flux.range(0, 1000)
				.flatMap((i) -> rooms(webClient), 1000)
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(bodies).hasSize(1000).containsOnly("ok");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms"))
				.withHeader("Authorization", equalTo("Bearer token-1")));
			this.server.verify(1000, getRequestedFor(urlPathEqualTo("/api/rooms"))
				.withHeader("Authorization", equalTo("Bearer token-2")));
		});
	}

	private Mono<String> rooms(WebClient webClient) {
		return webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class);
	}

}
