package dev.tokenkeeper.cache;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.ProviderProfile;
import dev.tokenkeeper.token.TokenEndpointClient;
import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenLifetimePolicy;
import dev.tokenkeeper.token.TokenRequestOutcome;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token endpoint is never hammered, and an outage does not reach callers while a cached
 * token is still usable.
 */
class TokenCacheResilienceTests {

	static final int MAX_ATTEMPTS = 3;

	final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	TokenCache cache;

	@BeforeEach
	void setUp() {
		this.server.start();
		TokenEndpointClient client = new TokenEndpointClient(
				ClientHttpConnectorBuilder.reactor()
					.build(HttpClientSettings.defaults()
						.withRedirects(HttpRedirects.DONT_FOLLOW)
						.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))),
				this.clock, 64 * 1024, Duration.ofSeconds(2), Duration.ofMinutes(10));
		ClientCredentials credentials = new ClientCredentials("partner", ProviderProfile.BASIC_FORM,
				URI.create(this.server.baseUrl() + "/oauth2/token"), "client", "secret", null, List.of(), Map.of());
		TokenRegistration registration = new TokenRegistration("partner", () -> credentials,
				new TokenLifetimePolicy(Duration.ofSeconds(60), 0.8, Duration.ofMinutes(5)),
				new TokenRetryPolicy(MAX_ATTEMPTS, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5),
						Duration.ofMinutes(1), Duration.ofMinutes(10)));
		this.cache = new TokenCache(List.of(registration), client, this.clock, 100, TokenCacheObserver.NONE);
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void tokenWhen200ConcurrentCallersAndEndpointFailsThenRequestsStayWithinRetryBound() {
		this.server.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(503)));
		AtomicInteger failures = new AtomicInteger();
		Flux.range(0, 200)
			.flatMap((i) -> this.cache.token("partner").onErrorResume(TokenEndpointException.class, (ex) -> {
				assertThat(ex.getOutcome()).isEqualTo(TokenRequestOutcome.SERVER_ERROR);
				failures.incrementAndGet();
				return Mono.empty();
			}), 200)
			.blockLast(Duration.ofSeconds(30));
		assertThat(failures).hasValue(200);
		this.server.verify(MAX_ATTEMPTS, postRequestedFor(urlPathEqualTo("/oauth2/token")));

		// the next wave, within the cool-down, sends nothing
		Flux.range(0, 200)
			.flatMap((i) -> this.cache.token("partner").onErrorResume(TokenEndpointException.class, (ex) -> {
				failures.incrementAndGet();
				return Mono.empty();
			}), 200)
			.blockLast(Duration.ofSeconds(30));
		assertThat(failures).hasValue(400);
		this.server.verify(MAX_ATTEMPTS, postRequestedFor(urlPathEqualTo("/oauth2/token")));
	}

	@Test
	void tokenWhenEndpointDownForTenMinutesWithHourTokenCachedThenNoCallFailsAndFirstHealthyRefreshRecovers() {
		this.server.stubFor(post("/oauth2/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"hour-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		assertThat(this.cache.token("partner").block().value()).isEqualTo("hour-token");
		this.server.resetAll();
		this.server.stubFor(post("/oauth2/token").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		// usable for 3540 s, refreshed from 2832 s: the outage starts at the refresh point
		this.clock.advance(Duration.ofSeconds(2832));
		int failedCalls = 0;
		for (int second = 0; second < 600; second++) {
			try {
				assertThat(this.cache.token("partner").block(Duration.ofSeconds(5)).value()).isEqualTo("hour-token");
			}
			catch (RuntimeException ex) {
				failedCalls++;
			}
			// a simulated second is far longer than a failed attempt: let any refresh finish
			await().pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(2))
				.atMost(Duration.ofSeconds(10))
				.until(() -> !this.cache.isRequestInFlight("partner"));
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(failedCalls).isZero();
		int duringOutage = this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).size();
		// backoff: cool-downs of 5, 10, 20, 40 s then 60 s (up to a quarter less with jitter) over 600 s,
		// at most 3 attempts each: never one request per call
		assertThat(duringOutage).isGreaterThanOrEqualTo(MAX_ATTEMPTS * 5).isLessThanOrEqualTo(MAX_ATTEMPTS * 20);

		this.server.resetAll();
		this.server.stubFor(post("/oauth2/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"fresh-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.clock.advance(Duration.ofSeconds(61));
		assertThat(this.cache.token("partner").block().value()).isEqualTo("hour-token");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cache.peek("partner").value()).isEqualTo("fresh-token"));
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		assertThat(this.cache.status("partner").lastError()).isNull();
	}

}
