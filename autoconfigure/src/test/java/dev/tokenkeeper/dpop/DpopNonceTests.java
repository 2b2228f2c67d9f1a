package dev.tokenkeeper.dpop;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.matching.ValueMatcher;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperMetricsAutoConfiguration;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.observation.TokenCacheMetrics;
import dev.tokenkeeper.test.DpopProofChecks;
import dev.tokenkeeper.test.DpopStubs;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DPoP nonces (RFC 9449 sections 8 and 9) from a token endpoint and from an API: one retry
 * with the nonce, never counted as a rejected token, and a nonce asked for forever ends after
 * that one retry.
 */
class DpopNonceTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private ApplicationContextRunner webClients;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.webClients = WebClientContexts.runner(this.clock).withPropertyValues(properties());
	}

	private String[] properties() {
		List<String> properties = new ArrayList<>(List.of(WebClientContexts.registration("partner",
				this.server.baseUrl() + "/oauth2/token", this.server.baseUrl() + "/api")));
		properties.add("tokenkeeper.clients.partner.dpop.enabled=true");
		return properties.toArray(String[]::new);
	}

	private ApplicationContextRunner withMetrics(ApplicationContextRunner runner) {
		return runner.withConfiguration(AutoConfigurations.of(TokenKeeperMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, () -> this.meters);
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void tokenRequestWhenEndpointAsksForNonceThenRetriedOnceWithItAndNoCoolDown() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).andMatching(withoutNonce())
			.willReturn(DpopStubs.tokenEndpointNonce("as-nonce-1")));
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).andMatching(withNonce())
			.willReturn(DpopStubs.token("token-1", "DPoP").withHeader("DPoP-Nonce", "as-nonce-2")));
		acceptAnyApiCall();
		withMetrics(this.webClients).run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(call(webClient)).isEqualTo("ok");
			List<LoggedRequest> requests = this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token")));
			assertThat(requests).hasSize(2);
			assertThat(DpopProofChecks.verified(requests.get(0).getHeader("DPoP")).claim("nonce")).isNull();
			assertThat(DpopProofChecks.verified(requests.get(1).getHeader("DPoP")).claim("nonce")).isEqualTo("as-nonce-1");
			assertThat(nonceRetries("token_endpoint")).isEqualTo(1);
			assertThat(context.getBean(TokenCache.class).status("partner").lastError()).isNull();
			// the 200's own DPoP-Nonce replaced the first: the next token request sends it
			context.getBean(TokenCache.class).evict("partner");
			assertThat(call(webClient)).isEqualTo("ok");
			requests = this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token")));
			assertThat(requests).hasSize(3);
			assertThat(DpopProofChecks.verified(requests.get(2).getHeader("DPoP")).claim("nonce")).isEqualTo("as-nonce-2");
		});
	}

	@Test
	void tokenRequestWhenEndpointAsksForNonceForeverThenClearErrorAfterOneRetry() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.tokenEndpointNonce("again")));
		this.webClients.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(TokenEndpointException.class).isThrownBy(() -> call(webClient))
				.withMessageContaining("'partner'")
				.withMessageContaining("use_dpop_nonce")
				.withMessageContaining("asked for a new DPoP nonce again after a retry");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void apiCallWhenApiAsksForNonceThenRetriedWithItWithoutNewToken() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).andMatching(withoutNonce())
			.willReturn(DpopStubs.apiNonce("rs-nonce-1")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).andMatching(withNonce())
			.willReturn(aResponse().withBody("ok")));
		withMetrics(this.webClients).run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(call(webClient)).isEqualTo("ok");
			assertThat(call(webClient)).isEqualTo("ok");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			List<LoggedRequest> calls = this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms")));
			assertThat(calls).hasSize(3);
			assertThat(DpopProofChecks.verified(calls.get(0).getHeader("DPoP")).claim("nonce")).isNull();
			// the retry and the next call: the remembered nonce, in a proof of their own
			assertThat(calls.subList(1, 3)).allSatisfy((call) -> {
				assertThat(call.getHeader("Authorization")).isEqualTo("DPoP token-1");
				assertThat(DpopProofChecks.verified(call.getHeader("DPoP")).claim("nonce")).isEqualTo("rs-nonce-1");
			});
			assertThat(calls).extracting((call) -> DpopProofChecks.verified(call.getHeader("DPoP")).claim("jti"))
				.doesNotHaveDuplicates();
			assertThat(nonceRetries("api")).isEqualTo(1);
			assertThat(this.meters.get(TokenCacheMetrics.INVALIDATIONS).tag("reason", "unauthorized").counter().count())
				.isZero();
		});
	}

	@Test
	void apiCallWhenApiAsksForNonceForeverThenCallerGets401AfterOneRetryAndTokenKept() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(DpopStubs.apiNonce("again")));
		this.webClients.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			Integer status = webClient.get()
				.uri(this.server.baseUrl() + "/api/rooms")
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
				.block(BLOCK);
			assertThat(status).isEqualTo(401);
			this.server.verify(2, getRequestedFor(urlPathEqualTo("/api/rooms")));
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			assertThat(context.getBean(TokenCache.class).peek("partner")).isNotNull();
		});
	}

	@Test
	void apiCallWhenInvalidTokenThenDroppedAndReplayedWithNewDpopToken() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).inScenario("tokens")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(DpopStubs.token("token-1", "DPoP"))
			.willSetStateTo("second"));
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).inScenario("tokens")
			.whenScenarioStateIs("second")
			.willReturn(DpopStubs.token("token-2", "DPoP")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", matching("DPoP token-1"))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "DPoP error=\"invalid_token\"")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", matching("DPoP token-2"))
			.willReturn(aResponse().withBody("ok")));
		this.webClients.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(call(webClient)).isEqualTo("ok");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			List<LoggedRequest> calls = this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms")));
			assertThat(calls).hasSize(2);
			assertThat(DpopProofChecks.verified(calls.get(1).getHeader("DPoP")).claim("ath"))
				.isEqualTo(DpopProofChecks.ath("token-2"));
		});
	}

	@Test
	void restClientCallWhenApiAsksForNonceThenRetriedWithIt() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).andMatching(withoutNonce())
			.willReturn(DpopStubs.apiNonce("rs-nonce-1")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).andMatching(withNonce())
			.willReturn(aResponse().withBody("ok")));
		RestClientContexts.runner(this.clock).withPropertyValues(properties()).run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(restClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().body(String.class))
				.isEqualTo("ok");
			this.server.verify(2, getRequestedFor(urlPathEqualTo("/api/rooms")));
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void restClientCallWhenApiAsksForNonceForeverThenCallerGets401AfterOneRetry() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(DpopStubs.apiNonce("again")));
		RestClientContexts.runner(this.clock).withPropertyValues(properties()).run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> restClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().body(String.class));
			this.server.verify(2, getRequestedFor(urlPathEqualTo("/api/rooms")));
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	private void acceptAnyApiCall() {
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("ok")));
	}

	private String call(WebClient webClient) {
		return webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class).block(BLOCK);
	}

	private double nonceRetries(String source) {
		return this.meters.get(TokenCacheMetrics.DPOP_NONCE_RETRIES)
			.tag("client", "partner")
			.tag("source", source)
			.counter()
			.count();
	}

	private static ValueMatcher<Request> withNonce() {
		return (request) -> MatchResult.of(hasNonce(request));
	}

	private static ValueMatcher<Request> withoutNonce() {
		return (request) -> MatchResult.of(!hasNonce(request));
	}

	/** Whether the request's DPoP proof carries a {@code nonce} claim (WireMock sees only the JWT). */
	private static boolean hasNonce(Request request) {
		String proof = request.getHeader("DPoP");
		try {
			return proof != null && SignedJWT.parse(proof).getJWTClaimsSet().getClaim("nonce") != null;
		}
		catch (ParseException ex) {
			return false;
		}
	}

}
