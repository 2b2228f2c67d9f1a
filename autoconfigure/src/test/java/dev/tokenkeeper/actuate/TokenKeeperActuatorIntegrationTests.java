package dev.tokenkeeper.actuate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A running reactive application on a random port, over HTTP: the {@code tokenkeeper}
 * endpoint, health and the Prometheus scrape, and that none of them, nor any log line,
 * shows a secret or a token.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenKeeperActuatorIntegrationTests {

	private static final String PARTNER_SECRET = "Pa55-partner+/=secret";

	private static final String BROKEN_SECRET = "Br0ken-secret%20value";

	private static final String PARTNER_TOKEN = "tok-partner-5e1f0a9c";

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(START);

	private final List<String> responses = new ArrayList<>();

	private ConfigurableApplicationContext context;

	private WebTestClient actuator;

	private WebClient webClient;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(post(urlPathEqualTo("/partner/token")).willReturn(json(200,
				"{\"access_token\":\"" + PARTNER_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
						+ "\"scope\":\"rooms:read\"}")));
		this.server.stubFor(post(urlPathEqualTo("/broken/token")).willReturn(json(401,
				"{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + PARTNER_TOKEN))
			.willReturn(aResponse().withBody("rooms")));
		String base = this.server.baseUrl();
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.initializers((context) -> context.getBeanFactory()
				.registerSingleton(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, this.clock))
			.properties("server.port=0", "server.address=127.0.0.1",
					"management.endpoints.web.exposure.include=health,tokenkeeper,prometheus",
					"management.endpoint.health.show-details=always",
					// no Redis server here; the optional Redis store's dependency brings its health check
					"management.health.redis.enabled=false",
					"management.metrics.distribution.percentiles-histogram.tokenkeeper.token.requests=true",
					"management.metrics.distribution.percentiles-histogram.tokenkeeper.token.requests.active=false",
					"tokenkeeper.clients.partner.profile=post-form",
					"tokenkeeper.clients.partner.token-uri=" + base + "/partner/token",
					"tokenkeeper.clients.partner.client-id=partner-client",
					"tokenkeeper.clients.partner.client-secret=" + PARTNER_SECRET,
					"tokenkeeper.clients.partner.scopes=rooms:read",
					"tokenkeeper.clients.partner.base-urls=" + base + "/api",
					"tokenkeeper.clients.broken.token-uri=" + base + "/broken/token",
					"tokenkeeper.clients.broken.client-id=broken-client",
					"tokenkeeper.clients.broken.client-secret=" + BROKEN_SECRET,
					"tokenkeeper.clients.broken.base-urls=" + base + "/broken-api",
					// everything TokenKeeper and Spring's web stack log, request details included
					"logging.level.dev.tokenkeeper=TRACE", "logging.level.org.springframework.web=TRACE",
					"logging.level.org.springframework.http=TRACE", "spring.http.codecs.log-request-details=true")
			.run();
		this.actuator = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port"))
			.build();
		this.webClient = this.context.getBean(WebClient.Builder.class).build();
	}

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void tokenkeeperEndpointWhenReadThenListsEveryClient() {
		body(this.actuator.get().uri("/actuator/tokenkeeper").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.clients.length()").isEqualTo(2)
			.jsonPath("$.clients.partner.profile").isEqualTo("post-form")
			.jsonPath("$.clients.partner.tokenUri").isEqualTo(this.server.baseUrl() + "/partner/token")
			.jsonPath("$.clients.partner.state").isEqualTo("none")
			.jsonPath("$.clients.partner.scopes[0]").isEqualTo("rooms:read")
			.jsonPath("$.clients.partner.expiresAt").doesNotExist()
			.jsonPath("$.clients.broken.profile").isEqualTo("basic-form")
			.jsonPath("$.clients.broken.state").isEqualTo("none");
		assertThat(callPartner()).isEqualTo("rooms");
		body(this.actuator.get().uri("/actuator/tokenkeeper").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.clients.partner.state").isEqualTo("valid")
			.jsonPath("$.clients.partner.expiresAt").isEqualTo("2026-01-01T00:05:00Z")
			.jsonPath("$.clients.partner.lastRefresh").isEqualTo("2026-01-01T00:00:00Z")
			.jsonPath("$.clients.partner.lastError").doesNotExist();
		body(this.actuator.get().uri("/actuator/tokenkeeper/partner").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.state").isEqualTo("valid");
		this.actuator.get().uri("/actuator/tokenkeeper/nobody").exchange().expectStatus().isNotFound();
	}

	@Test
	void tokenkeeperEndpointWhenDeleteThenNextCallSendsOneNewTokenRequest() {
		assertThat(callPartner()).isEqualTo("rooms");
		assertThat(callPartner()).isEqualTo("rooms");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/partner/token")));
		body(this.actuator.delete().uri("/actuator/tokenkeeper/partner").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.client").isEqualTo("partner")
			.jsonPath("$.evicted").isEqualTo(true);
		body(this.actuator.get().uri("/actuator/tokenkeeper/partner").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.state").isEqualTo("expired");
		assertThat(callPartner()).isEqualTo("rooms");
		assertThat(callPartner()).isEqualTo("rooms");
		this.server.verify(2, postRequestedFor(urlPathEqualTo("/partner/token")));
		this.actuator.delete().uri("/actuator/tokenkeeper/nobody").exchange().expectStatus().isNotFound();
	}

	@Test
	void healthWhenTokenEndpointAnswersInvalidClientThenThatComponentIsDown() {
		body(this.actuator.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.components.tokenkeeper.status").isEqualTo("UNKNOWN")
			.jsonPath("$.components.tokenkeeper.components.partner.status").isEqualTo("UNKNOWN")
			.jsonPath("$.components.tokenkeeper.components.broken.status").isEqualTo("UNKNOWN");
		assertThat(callPartner()).isEqualTo("rooms");
		body(this.actuator.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.components.tokenkeeper.status").isEqualTo("UP")
			.jsonPath("$.components.tokenkeeper.components.partner.status").isEqualTo("UP")
			.jsonPath("$.components.tokenkeeper.components.partner.details.expiresAt")
			.isEqualTo("2026-01-01T00:05:00Z");
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(this::callBroken)
			.withMessageContaining("invalid_client")
			.withMessageNotContaining(BROKEN_SECRET);
		body(this.actuator.get().uri("/actuator/health").exchange().expectStatus().isEqualTo(503).expectBody())
			.jsonPath("$.status").isEqualTo("DOWN")
			.jsonPath("$.components.tokenkeeper.status").isEqualTo("DOWN")
			.jsonPath("$.components.tokenkeeper.components.partner.status").isEqualTo("UP")
			.jsonPath("$.components.tokenkeeper.components.broken.status").isEqualTo("DOWN")
			.jsonPath("$.components.tokenkeeper.components.broken.details.state").isEqualTo("failed")
			.jsonPath("$.components.tokenkeeper.components.broken.details.lastError.error").isEqualTo("invalid_client")
			.jsonPath("$.components.tokenkeeper.components.broken.details.lastError.status").isEqualTo(401)
			.jsonPath("$.components.tokenkeeper.components.broken.details.lastError.outcome")
			.isEqualTo("client_error");
		// not part of the probes: a partner's outage does not take the instance out of a load balancer
		body(this.actuator.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.status").isEqualTo("UP")
			.jsonPath("$.components.tokenkeeper").doesNotExist();
		body(this.actuator.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.status").isEqualTo("UP");
		body(this.actuator.get().uri("/actuator/tokenkeeper/broken").exchange().expectStatus().isOk().expectBody())
			.jsonPath("$.state").isEqualTo("failed")
			.jsonPath("$.lastError.error").isEqualTo("invalid_client")
			.jsonPath("$.lastError.message").value((message) -> assertThat((String) message)
				.contains("broken")
				.contains("Client authentication failed"));
	}

	@Test
	void prometheusWhenScrapedThenExposesTheMeters() {
		assertThat(callPartner()).isEqualTo("rooms");
		assertThat(callPartner()).isEqualTo("rooms");
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(this::callBroken);
		this.actuator.delete().uri("/actuator/tokenkeeper/partner").exchange().expectStatus().isOk();
		String scrape = scrape();
		assertThat(scrape.lines().filter((line) -> line.startsWith("tokenkeeper_")))
			.contains("tokenkeeper_token_requests_seconds_count{client=\"partner\",error=\"none\",outcome=\"success\"} 1",
					"tokenkeeper_token_requests_seconds_count{client=\"broken\",error=\"TokenEndpointException\",outcome=\"client_error\"} 1",
					"tokenkeeper_token_lookups_total{client=\"partner\",result=\"hit\"} 1.0",
					"tokenkeeper_token_lookups_total{client=\"partner\",result=\"miss\"} 1.0",
					"tokenkeeper_token_lookups_total{client=\"broken\",result=\"miss\"} 1.0",
					"tokenkeeper_token_invalidations_total{client=\"partner\",reason=\"manual\"} 1.0",
					"tokenkeeper_token_invalidations_total{client=\"partner\",reason=\"unauthorized\"} 0.0",
					"tokenkeeper_token_ttl_seconds{client=\"partner\"} 0.0",
					"tokenkeeper_token_ttl_seconds{client=\"broken\"} 0.0")
			.contains("tokenkeeper_token_requests_active_seconds_count{client=\"partner\"} 0")
			.noneMatch((line) -> line.contains("outcome=\"io_error\""));
		assertThat(scrape).contains("cache_gets_total{cache=\"tokenkeeper\",result=\"hit\"}");
		assertThat(callPartner()).isEqualTo("rooms");
		assertThat(scrape()).contains("tokenkeeper_token_ttl_seconds{client=\"partner\"} 300.0");
	}

	@Test
	void grafanaDashboardWhenComparedWithAScrapeThenEverySeriesItQueriesExists() throws IOException {
		String dashboard = Files.readString(Path.of("../docs/grafana/tokenkeeper-dashboard.json"));
		Set<String> queried = Pattern.compile("\\b(tokenkeeper_[a-z_]+)\\{")
			.matcher(dashboard)
			.results()
			.map((match) -> match.group(1))
			.collect(Collectors.toSet());
		assertThat(queried).contains("tokenkeeper_token_requests_seconds_count", "tokenkeeper_token_lookups_total",
				"tokenkeeper_token_ttl_seconds");
		assertThat(callPartner()).isEqualTo("rooms");
		Set<String> scraped = scrape().lines()
			.filter((line) -> line.startsWith("tokenkeeper_"))
			.map((line) -> line.substring(0, line.indexOf('{')))
			.collect(Collectors.toSet());
		assertThat(scraped).containsAll(queried);
	}

	@Test
	void responsesAndLogsWhenEverythingRanThenNoSecretOrTokenAppears(CapturedOutput output) {
		assertThat(callPartner()).isEqualTo("rooms");
		assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(this::callBroken);
		this.responses.add(bodyOf(this.actuator.get().uri("/actuator/tokenkeeper").exchange().expectStatus().isOk()));
		this.responses.add(bodyOf(this.actuator.get().uri("/actuator/tokenkeeper/partner").exchange().expectStatus().isOk()));
		this.responses.add(bodyOf(this.actuator.get().uri("/actuator/health").exchange().expectStatus().isEqualTo(503)));
		this.responses.add(bodyOf(this.actuator.get().uri("/actuator/health/tokenkeeper").exchange()
			.expectStatus().isEqualTo(503)));
		this.responses.add(scrape());
		this.responses.add(bodyOf(this.actuator.delete().uri("/actuator/tokenkeeper/partner").exchange()
			.expectStatus().isOk()));
		assertThat(this.responses).hasSize(6).allSatisfy((response) -> assertThat(response).isNotBlank()
			.doesNotContain(PARTNER_SECRET, BROKEN_SECRET, PARTNER_TOKEN, "partner-client", "broken-client"));
		// the captured output is not empty: the TRACE logging really ran
		assertThat(output.getOut()).contains("Registration 'partner' got token");
		assertThat(output.getAll()).doesNotContain(PARTNER_SECRET, BROKEN_SECRET, PARTNER_TOKEN);
	}

	private String callPartner() {
		return this.webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private String callBroken() {
		return this.webClient.get().uri(this.server.baseUrl() + "/broken-api/rooms").retrieve()
			.bodyToMono(String.class)
			.onErrorMap((ex) -> ex.getCause() instanceof TokenEndpointException, Throwable::getCause)
			.block(Duration.ofSeconds(10));
	}

	private String scrape() {
		return bodyOf(this.actuator.get().uri("/actuator/prometheus").exchange().expectStatus().isOk());
	}

	private WebTestClient.BodyContentSpec body(WebTestClient.BodyContentSpec body) {
		EntityExchangeResult<byte[]> result = body.returnResult();
		this.responses.add(new String(result.getResponseBodyContent()));
		return body;
	}

	private static String bodyOf(WebTestClient.ResponseSpec response) {
		byte[] body = response.expectBody().returnResult().getResponseBodyContent();
		return (body != null) ? new String(body) : "";
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		// an application's own security: the actuator is open in this test
		@Bean
		SecurityWebFilterChain testSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
