package dev.tokenkeeper.observation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperMetricsAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.MutableClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Every TokenKeeper meter and observation after a known scenario, counted exactly: Boot's
 * metrics and observation auto-configuration over a {@link SimpleMeterRegistry} and a
 * {@link TestObservationRegistry}, real HTTP to a stub token endpoint and API.
 */
class TokenKeeperMetricsTests {

	private static final String TOKEN_PATH = "/oauth2/token";

	private static final String TOKENS = "tokens";

	private static final String API = "api";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, ObservationAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
					TokenKeeperAutoConfiguration.class, TokenKeeperWebClientAutoConfiguration.class,
					TokenKeeperMetricsAutoConfiguration.class))
			.withBean(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> this.clock)
			.withBean(MeterRegistry.class, () -> this.meters)
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withPropertyValues("tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + TOKEN_PATH,
					"tokenkeeper.clients.partner.client-id=client",
					"tokenkeeper.clients.partner.client-secret=a+b/c:=%",
					"tokenkeeper.clients.partner.base-urls=" + this.server.baseUrl() + "/api",
					"tokenkeeper.retry.initial-backoff=1ms");
		// token-1; then a 503 answered by a retry with token-2; then token-3; then token-4
		tokenResponse(Scenario.STARTED, "503", tokenBody("token-1"), 200);
		tokenResponse("503", "token-2", "{\"error\":\"temporarily_unavailable\"}", 503);
		tokenResponse("token-2", "token-3", tokenBody("token-2"), 200);
		tokenResponse("token-3", "token-4", tokenBody("token-3"), 200);
		tokenResponse("token-4", "done", tokenBody("token-4"), 200);
		apiAccepts("token-1");
		apiAccepts("token-3");
		apiAccepts("token-4");
		// token-2 is good until the test says the API revoked it
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).inScenario(API)
			.whenScenarioStateIs(Scenario.STARTED)
			.withHeader("Authorization", equalTo("Bearer token-2"))
			.willReturn(aResponse().withBody("ok")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).inScenario(API)
			.whenScenarioStateIs("revoked")
			.withHeader("Authorization", equalTo("Bearer token-2"))
			.willReturn(aResponse().withStatus(401)));
	}

	private void tokenResponse(String state, String next, String body, int status) {
		this.server.stubFor(post(TOKEN_PATH).inScenario(TOKENS)
			.whenScenarioStateIs(state)
			.willSetStateTo(next)
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private static String tokenBody(String token) {
		return "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}";
	}

	private void apiAccepts(String token) {
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
			.willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void scenarioWhenRunThenEveryMeterHasTheExactCountAndTags() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			TokenCache tokens = context.getBean(TokenCache.class);
			// before any call: every counter is there, at 0
			assertThat(lookups()).containsOnly(entry("hit", 0.0), entry("miss", 0.0), entry("wait", 0.0),
					entry("failed", 0.0));
			assertThat(ttlSeconds()).isZero();

			// the first call requests a token; 99 more use the cached one, one by one
			assertThat(Flux.range(0, 100).concatMap((i) -> call(webClient)).collectList()
				.block(Duration.ofSeconds(30))).hasSize(100).containsOnly("ok");
			assertThat(ttlSeconds()).isEqualTo(300.0);

			// token-1 expired: a 503, retried at once, then token-2
			this.clock.advance(Duration.ofSeconds(300));
			assertThat(ttlSeconds()).isZero();
			assertThat(call(webClient).block(Duration.ofSeconds(10))).isEqualTo("ok");

			// the API now refuses token-2: dropped, token-3 fetched, request replayed
			this.server.setScenarioState(API, "revoked");
			assertThat(call(webClient).block(Duration.ofSeconds(10))).isEqualTo("ok");

			// an operator drops token-3; the next call fetches token-4
			assertThat(tokens.evict("partner")).isTrue();
			assertThat(call(webClient).block(Duration.ofSeconds(10))).isEqualTo("ok");

			this.server.verify(5, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
			this.server.verify(104, getRequestedFor(urlPathEqualTo("/api/rooms")));
			this.server.verify(100, apiCallWith("token-1"));
			this.server.verify(2, apiCallWith("token-2"));
			this.server.verify(1, apiCallWith("token-3"));
			this.server.verify(1, apiCallWith("token-4"));

			assertThat(lookups()).containsOnly(entry("hit", 100.0), entry("miss", 4.0), entry("wait", 0.0),
					entry("failed", 0.0));
			assertThat(invalidations()).containsOnly(entry("unauthorized", 1.0), entry("manual", 1.0));
			assertThat(requestTimers()).containsOnly(entry("outcome=success,error=none", 4L),
					entry("outcome=server_error,error=TokenEndpointException", 1L));
			assertThat(this.meters.get("tokenkeeper.token.requests.active").tags("client", "partner")
				.longTaskTimer()
				.activeTasks()).isZero();
			assertThat(ttlSeconds()).isEqualTo(300.0);
			assertThat(caffeineGets()).containsOnly(entry("hit", 100.0), entry("miss", 4.0));
			assertThat(this.meters.get("cache.puts").tag("cache", "tokenkeeper").functionCounter().count())
				.isEqualTo(4.0);

			assertThat(this.observations).hasNumberOfObservationsWithNameEqualTo("tokenkeeper.token.requests", 5)
				.forAllObservationsWithNameEqualTo("tokenkeeper.token.requests",
						(observation) -> observation.hasLowCardinalityKeyValue("client", "partner")
							.hasHighCardinalityKeyValue("tokenkeeper.token.uri", this.server.baseUrl() + TOKEN_PATH))
				.hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts.stream()
					.map((observed) -> observed.getLowCardinalityKeyValue("outcome").getValue() + ":"
							+ observed.getHighCardinalityKeyValue("http.response.status_code").getValue() + ":"
							+ ((observed.getError() != null) ? observed.getError().getClass().getSimpleName() : "-"))
					.toList()).containsExactly("success:200:-", "server_error:503:TokenEndpointException",
							"success:200:-", "success:200:-", "success:200:-"));
		});
	}

	@Test
	void concurrentFirstCallsWhenScrapedThenCacheStatisticsTellTheSameStoryAsLookups() {
		this.server.resetAll();
		this.server.stubFor(post(TOKEN_PATH).willReturn(aResponse().withFixedDelay(500)
			.withHeader("Content-Type", "application/json")
			.withBody(tokenBody("token-1"))));
		apiAccepts("token-1");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(Flux.range(0, 50).flatMap((i) -> call(webClient), 50).collectList()
				.block(Duration.ofSeconds(30))).hasSize(50).containsOnly("ok");
			this.server.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
			String scrape = this.meters.scrape();
			double misses = scraped(scrape, "tokenkeeper_token_lookups_total", "result=\"miss\"");
			double waits = scraped(scrape, "tokenkeeper_token_lookups_total", "result=\"wait\"");
			double hits = scraped(scrape, "tokenkeeper_token_lookups_total", "result=\"hit\"");
			assertThat(misses).isEqualTo(1.0);
			assertThat(misses + waits + hits).isEqualTo(50.0);
			// a waiter is not a miss, and the one token cached is the one put
			assertThat(scraped(scrape, "cache_gets_total", "cache=\"tokenkeeper\"", "result=\"miss\""))
				.isEqualTo(misses);
			assertThat(scraped(scrape, "cache_gets_total", "cache=\"tokenkeeper\"", "result=\"hit\""))
				.isEqualTo(hits + waits);
			assertThat(scraped(scrape, "cache_puts_total", "cache=\"tokenkeeper\"")).isEqualTo(1.0);
		});
	}

	/** The value of the one sample of {@code name} whose labels contain every one of {@code labels}. */
	private static double scraped(String scrape, String name, String... labels) {
		Matcher samples = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
		List<Double> values = new ArrayList<>();
		while (samples.find()) {
			String found = samples.group(1);
			if (Arrays.stream(labels).allMatch(found::contains)) {
				values.add(Double.parseDouble(samples.group(2)));
			}
		}
		assertThat(values).as(name + " " + String.join(",", labels) + " in\n" + scrape).hasSize(1);
		return values.get(0);
	}

	private Mono<String> call(WebClient webClient) {
		return webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class);
	}

	private static RequestPatternBuilder apiCallWith(String token) {
		return getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token));
	}

	private Map<String, Double> lookups() {
		return this.meters.find("tokenkeeper.token.lookups").tag("client", "partner").counters().stream()
			.collect(Collectors.toMap((counter) -> counter.getId().getTag("result"), Counter::count));
	}

	private Map<String, Double> invalidations() {
		return this.meters.find("tokenkeeper.token.invalidations").tag("client", "partner").counters().stream()
			.collect(Collectors.toMap((counter) -> counter.getId().getTag("reason"), Counter::count));
	}

	private Map<String, Long> requestTimers() {
		List<Timer> timers = List.copyOf(this.meters.find("tokenkeeper.token.requests").timers());
		assertThat(timers).allSatisfy((timer) -> assertThat(timer.getId().getTags()).extracting("key")
			.containsExactlyInAnyOrder("client", "outcome", "error"));
		assertThat(timers).allSatisfy((timer) -> assertThat(timer.getId().getTag("client")).isEqualTo("partner"));
		return timers.stream()
			.collect(Collectors.toMap((timer) -> "outcome=" + timer.getId().getTag("outcome") + ",error="
					+ timer.getId().getTag("error"), Timer::count));
	}

	private double ttlSeconds() {
		return this.meters.get("tokenkeeper.token.ttl").tags("client", "partner").timeGauge().value(TimeUnit.SECONDS);
	}

	private Map<String, Double> caffeineGets() {
		return this.meters.find("cache.gets").tag("cache", "tokenkeeper").functionCounters().stream()
			.collect(Collectors.toMap((counter) -> counter.getId().getTag("result"), FunctionCounter::count));
	}

}
