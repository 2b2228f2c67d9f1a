package dev.tokenkeeper.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What callers of {@link TokenCache} get when lookups, refreshes and invalidations meet, in a
 * context as the auto-configuration builds it, against a token endpoint on loopback.
 */
class TokenCacheLookupTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		// 300 s with the defaults: usable for 240 s, refreshed ahead from 192 s
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2", "token-3");
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token"));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void tokenWhenKeptMonoSubscribedAfterUsableLifeThenNewToken() {
		this.contextRunner.run((context) -> {
			TokenCache cache = context.getBean(TokenCache.class);
			assertThat(cache.token("partner").block(BLOCK).value()).isEqualTo("token-1");
			// kept while the token is cached: a hit when it was built
			Mono<CachedToken> kept = cache.token("partner");
			assertThat(kept.block(BLOCK).value()).isEqualTo("token-1");
			// 300 s tokens are usable for 240 s with the defaults
			this.clock.advance(Duration.ofSeconds(241));
			assertThat(kept.block(BLOCK).value()).isEqualTo("token-2");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void refreshAheadWhenTokenInvalidatedWhileItClaimsTheRequestThenWaitingCallerGetsNewToken() {
		this.contextRunner.run((context) -> {
			TokenCache cache = context.getBean(TokenCache.class);
			assertThat(cache.token("partner").block(BLOCK).value()).isEqualTo("token-1");
			this.clock.advance(Duration.ofSeconds(193));
			AtomicReference<CompletableFuture<CachedToken>> waiter = new AtomicReference<>();
			// the interleaving under test: a lookup starts a refresh and, once the refresh holds
			// the in-flight slot, a 401 drops the token and that caller's replay joins the slot
			cache.refreshClaimed = () -> {
				cache.refreshClaimed = null;
				cache.invalidate("partner", "token-1");
				waiter.set(cache.token("partner").toFuture());
			};
			cache.token("partner").block(BLOCK);
			assertThat(waiter.get()).isNotNull();
			assertThat(waiter.get().get(BLOCK.toSeconds(), TimeUnit.SECONDS).value())
				.isEqualTo("token-2");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void tokenWhenClockSteppedBackAnHourDuringFailureCoolDownThenNewTokenRequest() {
		ResponseDefinitionBuilder refused = aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client\"}");
		assertCoolDownEndsWhenClockSteppedBack(refused);
	}

	@Test
	void tokenWhenClockSteppedBackAnHourDuringRetryAfterWaitThenNewTokenRequest() {
		ResponseDefinitionBuilder limited = aResponse().withStatus(429)
			.withHeader("Retry-After", "120")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"too_many_requests\"}");
		assertCoolDownEndsWhenClockSteppedBack(limited);
	}

	private void assertCoolDownEndsWhenClockSteppedBack(ResponseDefinitionBuilder failure) {
		StubMapping failing = this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(failure));
		this.contextRunner.withPropertyValues("tokenkeeper.retry.failure-cool-down=5s").run((context) -> {
			TokenCache cache = context.getBean(TokenCache.class);
			assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> cache.token("partner").block(BLOCK));
			this.server.removeStub(failing);
			// still cooling down: answered at once, no request
			assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> cache.token("partner").block(BLOCK))
				.withMessageContaining("no new request for");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.clock.advance(Duration.ofHours(-1));
			assertThat(cache.token("partner").block(BLOCK).value()).isEqualTo("token-1");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

}
