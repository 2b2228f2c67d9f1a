package dev.tokenkeeper.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tokenkeeper.actuate.TokenKeeperEndpoint;
import dev.tokenkeeper.actuate.TokenKeeperEndpoint.ClientsDescriptor;
import dev.tokenkeeper.actuate.TokenKeeperHealthContributor;
import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperMetricsAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.test.MutableClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many clients registered at run time keep TokenKeeper's meters, endpoint and health
 * bounded: they are tagged, listed and checked per group.
 */
class RuntimeClientsObservabilityTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));

	private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	@BeforeEach
	void start() {
		this.server.start();
		this.server.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(post("/token").withRequestBody(containing("client_id=revoked"))
			.willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_client\"}")));
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, ObservationAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
					TokenKeeperMetricsAutoConfiguration.class))
			.withBean(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> this.clock)
			.withBean(MeterRegistry.class, () -> this.meters)
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=50ms", "tokenkeeper.retry.max-attempts=1",
					"tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/token",
					"tokenkeeper.clients.partner.client-id=partner", "tokenkeeper.clients.partner.client-secret=s");
	}

	private void registerAndUse(TokenKeeperClients clients, TokenCache tokens, int from, int to) {
		for (int i = from; i < to; i++) {
			clients.register("clinic-" + i, Map.of("profile", "post-form", "token-uri", this.server.baseUrl() + "/token",
					"client-id", "clinic-" + i, "client-secret", "s-" + i, "group", "clinics"));
		}
		Flux.range(from, to - from)
			.flatMap((i) -> tokens.token("clinic-" + i), 32)
			.then()
			.block(Duration.ofSeconds(60));
	}

	private long tokenKeeperSeries() {
		return this.meters.scrape()
			.lines()
			.filter((line) -> line.startsWith("tokenkeeper_"))
			.count();
	}

	@Test
	void prometheusScrapeWhenThousandRuntimeClientsThenSeriesDoNotGrowWithTheirNumber() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			TokenCache tokens = context.getBean(TokenCache.class);
			tokens.token("partner").block(Duration.ofSeconds(10));
			registerAndUse(clients, tokens, 0, 10);
			long withTen = tokenKeeperSeries();
			registerAndUse(clients, tokens, 10, 1000);
			String scrape = this.meters.scrape();
			assertThat(tokenKeeperSeries()).isEqualTo(withTen);
			assertThat(scrape).contains("client=\"clinics\"").contains("client=\"partner\"")
				.doesNotContain("client=\"clinic-");
			assertThat(scrape).contains("tokenkeeper_token_requests_seconds_count{client=\"clinics\"");
		});
	}

	@Test
	void endpointListsConfiguredClientsAndCountsPerGroupAndShowsOneRuntimeClient() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			TokenCache tokens = context.getBean(TokenCache.class);
			registerAndUse(clients, tokens, 0, 3);
			clients.register("tenant-1", Map.of("token-uri", this.server.baseUrl() + "/token", "client-id", "tenant-1",
					"client-secret", "x"));
			TokenKeeperEndpoint endpoint = new TokenKeeperEndpoint(tokens, context.getBean(TokenKeeperProperties.class));
			ClientsDescriptor all = endpoint.clients();
			assertThat(all.clients()).containsOnlyKeys("partner");
			assertThat(all.groups()).containsExactlyInAnyOrderEntriesOf(Map.of("clinics", 3, "runtime", 1));
			TokenKeeperEndpoint.ClientDescriptor one = endpoint.client("clinic-1");
			assertThat(one).isNotNull();
			assertThat(one.state()).isEqualTo("valid");
			assertThat(one.profile()).isEqualTo("post-form");
			assertThat(one.tokenUri()).isEqualTo(this.server.baseUrl() + "/token");
			assertThat(endpoint.evict("clinic-1").evicted()).isTrue();
			assertThat(endpoint.client("clinic-1").state()).isEqualTo("expired");
			assertThat(endpoint.client("clinic-99")).isNull();
		});
	}

	@Test
	void healthWhenManyRuntimeClientsThenOneComponentPerGroup() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			TokenCache tokens = context.getBean(TokenCache.class);
			registerAndUse(clients, tokens, 0, 5);
			clients.register("revoked", Map.of("profile", "post-form", "token-uri", this.server.baseUrl() + "/token",
					"client-id", "revoked", "client-secret", "x", "group", "clinics"));
			tokens.token("revoked").onErrorResume((ex) -> reactor.core.publisher.Mono.empty()).block(Duration.ofSeconds(10));
			CompositeHealthContributor health = new TokenKeeperHealthContributor(tokens);
			assertThat(health.stream().map(CompositeHealthContributor.Entry::name)).containsExactly("partner", "clinics");
			Health clinics = ((HealthIndicator) health.getContributor("clinics")).health();
			assertThat(clinics.getStatus()).isEqualTo(Status.UP);
			assertThat(clinics.getDetails()).containsEntry("clients", 6).containsEntry("valid", 5).containsEntry("failed", 1);
			assertThat(health.getContributor("clinic-1")).isNull();
		});
	}

}
