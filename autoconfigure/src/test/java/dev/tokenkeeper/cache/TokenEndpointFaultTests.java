package dev.tokenkeeper.cache;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The token endpoint misbehaving in every way seen in the wild: what the caller gets, how many
 * token requests were sent, and that a later healthy response recovers.
 */
class TokenEndpointFaultTests {

	static final String SECRET = "fault-secret-+/=%";

	static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(700);

	static final Duration COOL_DOWN = Duration.ofSeconds(5);

	static final int MAX_ATTEMPTS = 3;

	static final String HEALTHY = "{\"access_token\":\"recovered-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

	static WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	TokenCache cache;

	@BeforeAll
	static void start() {
		server.start();
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@BeforeEach
	void setUp() {
		server.resetAll();
		TokenEndpointClient client = new TokenEndpointClient(
				ClientHttpConnectorBuilder.reactor()
					.build(HttpClientSettings.defaults()
						.withRedirects(HttpRedirects.DONT_FOLLOW)
						.withTimeouts(Duration.ofSeconds(2), RESPONSE_TIMEOUT)),
				this.clock, 64 * 1024, RESPONSE_TIMEOUT, Duration.ofMinutes(10));
		ClientCredentials credentials = new ClientCredentials("partner", ProviderProfile.POST_FORM,
				URI.create(server.baseUrl() + "/oauth/token"), "client", SECRET, null, List.of(), Map.of());
		TokenRegistration registration = new TokenRegistration("partner", () -> credentials,
				new TokenLifetimePolicy(Duration.ofSeconds(60), 0.8, Duration.ofMinutes(5)),
				new TokenRetryPolicy(MAX_ATTEMPTS, Duration.ofMillis(1), Duration.ofMillis(5), COOL_DOWN,
						Duration.ofMinutes(1), Duration.ofMinutes(10)));
		this.cache = new TokenCache(List.of(registration), client, this.clock, 100, TokenCacheObserver.NONE);
	}

	static Stream<Arguments> faults() {
		String resetEpoch = String.valueOf(Instant.parse("2026-03-01T10:00:45Z").getEpochSecond());
		return Stream.of(
				fault("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
						TokenRequestOutcome.IO_ERROR, 0, MAX_ATTEMPTS, COOL_DOWN),
				fault("empty response", aResponse().withFault(Fault.EMPTY_RESPONSE), TokenRequestOutcome.IO_ERROR, 0,
						MAX_ATTEMPTS, COOL_DOWN),
				fault("malformed chunk", aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
						TokenRequestOutcome.IO_ERROR, 0, MAX_ATTEMPTS, COOL_DOWN),
				fault("random data then close", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE),
						TokenRequestOutcome.IO_ERROR, 0, MAX_ATTEMPTS, COOL_DOWN),
				fault("delay beyond the timeout", json(200, HEALTHY).withFixedDelay(2_000), TokenRequestOutcome.IO_ERROR,
						0, MAX_ATTEMPTS, COOL_DOWN),
				fault("500", json(500, "{\"error\":\"server_error\"}"), TokenRequestOutcome.SERVER_ERROR, 500,
						MAX_ATTEMPTS, COOL_DOWN),
				fault("502", aResponse().withStatus(502).withBody("Bad Gateway"), TokenRequestOutcome.SERVER_ERROR, 502,
						MAX_ATTEMPTS, COOL_DOWN),
				fault("503", aResponse().withStatus(503), TokenRequestOutcome.SERVER_ERROR, 503, MAX_ATTEMPTS,
						COOL_DOWN),
				fault("429 with Retry-After", json(429, "{\"error\":\"too_many_requests\"}").withHeader("Retry-After", "30"),
						TokenRequestOutcome.RATE_LIMITED, 429, 1, Duration.ofSeconds(30)),
				fault("429 with x-ratelimit-reset",
						json(429, "{\"error\":\"too_many_requests\",\"error_description\":\"Global limit has been reached\"}")
							.withHeader("x-ratelimit-limit", "30")
							.withHeader("x-ratelimit-remaining", "0")
							.withHeader("x-ratelimit-reset", resetEpoch),
						TokenRequestOutcome.RATE_LIMITED, 429, 1, Duration.ofSeconds(45)),
				fault("Auth0 rate limit as 500",
						json(500, "{\"error\":\"access_denied\",\"error_description\":\"Global limit has been reached\"}"),
						TokenRequestOutcome.RATE_LIMITED, 500, 1, COOL_DOWN),
				fault("HTML error page",
						aResponse().withStatus(502)
							.withHeader("Content-Type", "text/html")
							.withBody("<html><body><h1>502 Bad Gateway</h1></body></html>"),
						TokenRequestOutcome.SERVER_ERROR, 502, MAX_ATTEMPTS, COOL_DOWN),
				fault("body over the limit",
						json(200, "{\"access_token\":\"" + "x".repeat(70 * 1024) + "\",\"expires_in\":3600}"),
						TokenRequestOutcome.INVALID_RESPONSE, 200, 1, COOL_DOWN),
				fault("invalid JSON", json(200, "{\"access_token\": \"abc\", "), TokenRequestOutcome.INVALID_RESPONSE,
						200, 1, COOL_DOWN),
				fault("JSON without access_token", json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600}"),
						TokenRequestOutcome.INVALID_RESPONSE, 200, 1, COOL_DOWN),
				fault("Candid's 429 envelope",
						json(429, "{\"errorName\":\"TooManyRequestsError\",\"content\":{\"message\":\"Too many requests\"}}"),
						TokenRequestOutcome.RATE_LIMITED, 429, 1, COOL_DOWN),
				fault("Auth0's 401 access_denied",
						json(401, "{\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}"),
						TokenRequestOutcome.CLIENT_ERROR, 401, 1, COOL_DOWN),
				fault("307 redirect",
						aResponse().withStatus(307).withHeader("Location", server.baseUrl() + "/elsewhere"),
						TokenRequestOutcome.INVALID_RESPONSE, 307, 1, COOL_DOWN));
	}

	private static Arguments fault(String name, ResponseDefinitionBuilder response, TokenRequestOutcome outcome,
			int status, int requests, Duration quietFor) {
		return Arguments.of(name, response, outcome, status, requests, quietFor);
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("faults")
	void tokenWhenEndpointMisbehavesThenClearFailureBoundedRequestsAndRecovery(String name,
			ResponseDefinitionBuilder response, TokenRequestOutcome outcome, int status, int requests,
			Duration quietFor) {
		server.stubFor(post("/oauth/token").willReturn(response));
		server.stubFor(post("/elsewhere").willReturn(json(200, HEALTHY)));

		TokenEndpointException failure = catchThrowableOfType(TokenEndpointException.class,
				() -> this.cache.token("partner").block(Duration.ofSeconds(30)));
		assertThat(failure).as(name).isNotNull();
		assertThat(failure.getOutcome()).isEqualTo(outcome);
		assertThat(failure.getStatus()).isEqualTo(status);
		assertThat(failure.getClientRegistrationId()).isEqualTo("partner");
		assertThat(failure.getMessage()).contains("'partner'").doesNotContain(SECRET).doesNotContain("x".repeat(100));
		server.verify(requests, postRequestedFor(urlPathEqualTo("/oauth/token")));
		server.verify(0, postRequestedFor(urlPathEqualTo("/elsewhere")));

		// Within the quiet period, callers get the failure at once: no new request.
		server.resetAll();
		server.stubFor(post("/oauth/token").willReturn(json(200, HEALTHY)));
		this.clock.advance(quietFor.multipliedBy(7).dividedBy(10));
		TokenEndpointException repeated = catchThrowableOfType(TokenEndpointException.class,
				() -> this.cache.token("partner").block(Duration.ofSeconds(5)));
		assertThat(repeated.getOutcome()).isEqualTo(outcome);
		server.verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));

		// After it, a healthy endpoint recovers with one request.
		this.clock.advance(quietFor);
		CachedToken token = this.cache.token("partner").block(Duration.ofSeconds(5));
		assertThat(token.value()).isEqualTo("recovered-token");
		server.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

}
