package dev.tokenkeeper.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.HeldTokenEndpoint;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refresh-ahead and shared token requests, seen through a WebClient from Boot's builder, with
 * a token endpoint that answers only when the test releases it.
 */
class TokenKeeperRefreshAheadTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer api = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(100));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private HeldTokenEndpoint tokenEndpoint;

	@BeforeEach
	void setUp() {
		this.api.start();
		// the body names the token the API saw
		for (String token : List.of("token-1", "token-2", "token-3")) {
			this.api.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(aResponse().withBody(token)));
		}
	}

	@AfterEach
	void tearDown() {
		if (this.tokenEndpoint != null) {
			this.tokenEndpoint.close();
		}
		this.api.stop();
	}

	@Test
	void callsWhenPastRefreshAheadPointThenCachedTokenWhileOneRefreshIsInFlight() {
		// 300 s with the defaults: usable for 240 s, refreshed from 192 s
		contextRunner(300).run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(rooms(webClient).block(BLOCK)).isEqualTo("token-1");
			this.clock.advance(Duration.ofSeconds(193));
			this.tokenEndpoint.hold();
			assertThat(concurrentRooms(webClient, 200)).hasSize(200).containsOnly("token-1");
			this.tokenEndpoint.awaitRequests(2);
			this.clock.advance(Duration.ofSeconds(40));
			assertThat(concurrentRooms(webClient, 200)).hasSize(200).containsOnly("token-1");
			assertThat(this.tokenEndpoint.requests()).isEqualTo(2);
			this.tokenEndpoint.release();
			await().atMost(BLOCK).untilAsserted(() -> assertThat(rooms(webClient).block(BLOCK)).isEqualTo("token-2"));
			assertThat(concurrentRooms(webClient, 100)).containsOnly("token-2");
			// past the first token's usable life (240 s): the refreshed token lives on its own
			this.clock.advance(Duration.ofSeconds(10));
			assertThat(concurrentRooms(webClient, 100)).containsOnly("token-2");
			assertThat(this.tokenEndpoint.requests()).isEqualTo(2);
		});
	}

	@Test
	void callsWhenSixtySecondTokenPastTwentyFourSecondsThenOneBackgroundRefresh() {
		// 60 s: shorter than twice the 60 s skew, so the skew is 30 s; refreshed from 24 s
		contextRunner(60).run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(rooms(webClient).block(BLOCK)).isEqualTo("token-1");
			this.clock.advance(Duration.ofSeconds(25));
			this.tokenEndpoint.hold();
			assertThat(concurrentRooms(webClient, 100)).hasSize(100).containsOnly("token-1");
			this.tokenEndpoint.awaitRequests(2);
			this.clock.advance(Duration.ofSeconds(4));
			assertThat(concurrentRooms(webClient, 100)).hasSize(100).containsOnly("token-1");
			assertThat(this.tokenEndpoint.requests()).isEqualTo(2);
			this.tokenEndpoint.release();
			await().atMost(BLOCK).untilAsserted(() -> assertThat(rooms(webClient).block(BLOCK)).isEqualTo("token-2"));
			// past the first token's usable life (30 s): the refreshed token lives on its own
			this.clock.advance(Duration.ofSeconds(5));
			assertThat(concurrentRooms(webClient, 100)).containsOnly("token-2");
			assertThat(this.tokenEndpoint.requests()).isEqualTo(2);
		});
	}

	@Test
	void callWhenCancelledWhileTokenRequestInFlightThenOtherCallersStillGetToken() {
		contextRunner(300).run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			this.tokenEndpoint.hold();
			Disposable cancelled = rooms(webClient).subscribe();
			this.tokenEndpoint.awaitRequests(1);
			cancelled.dispose();
			CompletableFuture<String> waiting = rooms(webClient).toFuture();
			this.tokenEndpoint.release();
			assertThat(waiting.get(BLOCK.toSeconds(), TimeUnit.SECONDS)).isEqualTo("token-1");
			assertThat(rooms(webClient).block(BLOCK)).isEqualTo("token-1");
			assertThat(this.tokenEndpoint.requests()).isEqualTo(1);
			// the cancelled call never reached the API
			this.api.verify(2, getRequestedFor(urlPathEqualTo("/api/rooms")));
		});
	}

	@Test
	void callWhenOnlyCallerCancelsThenTokenRequestCompletesAndIsCached() {
		contextRunner(300).run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			this.tokenEndpoint.hold();
			Disposable cancelled = rooms(webClient).subscribe();
			this.tokenEndpoint.awaitRequests(1);
			cancelled.dispose();
			this.tokenEndpoint.release();
			assertThat(rooms(webClient).block(BLOCK)).isEqualTo("token-1");
			assertThat(this.tokenEndpoint.requests()).isEqualTo(1);
			this.api.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")));
		});
	}

	private ApplicationContextRunner contextRunner(int expiresIn) {
		this.tokenEndpoint = new HeldTokenEndpoint(expiresIn);
		return WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.tokenEndpoint.tokenUri(),
					this.api.baseUrl() + "/api"));
	}

	private Mono<String> rooms(WebClient webClient) {
		return webClient.get().uri(this.api.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class);
	}

	private List<String> concurrentRooms(WebClient webClient, int calls) {
		return Flux.range(0, calls).flatMap((i) -> rooms(webClient), calls).collectList().block(BLOCK);
	}

}
