package dev.tokenkeeper.dpop;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.DpopProofChecks;
import dev.tokenkeeper.test.DpopProofChecks.Proof;
import dev.tokenkeeper.test.DpopStubs;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.TestWebClients;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What crosses the wire for a DPoP registration, decoded as a verifier would: the token
 * request's proof, and on API calls {@code Authorization: DPoP} with a fresh proof each.
 */
class DpopWireTests {

	private static final Duration BLOCK = Duration.ofSeconds(60);

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(50));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(any(urlPathMatching("/api/.*")).willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	private String[] registration(String... more) {
		List<String> properties = new java.util.ArrayList<>(List.of(WebClientContexts.registration("partner",
				this.server.baseUrl() + "/oauth2/token?tenant=a", this.server.baseUrl() + "/api")));
		properties.add("tokenkeeper.clients.partner.dpop.enabled=true");
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	private ApplicationContextRunner webClients(String... more) {
		return WebClientContexts.runner(this.clock).withPropertyValues(registration(more));
	}

	@Test
	void callsWhenDpopTokenThenTokenRequestAndEveryCallCarryAVerifiableProof() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		webClients().run((context) -> {
			WebClient webClient = TestWebClients.build(context.getBean(WebClient.Builder.class), 50);
			List<String> bodies = Flux.range(0, 1000)
				.flatMap((i) -> webClient.get()
					.uri(this.server.baseUrl() + "/api/rooms?page=" + i)
					.retrieve()
					.bodyToMono(String.class), 50)
				.collectList()
				.block(BLOCK);
			assertThat(bodies).hasSize(1000).containsOnly("ok");
			List<LoggedRequest> tokenRequests = this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token")));
			assertThat(tokenRequests).hasSize(1);
			Proof tokenProof = DpopProofChecks.verified(tokenRequests.get(0).getHeader("DPoP"));
			assertThat(tokenProof.claim("htm")).isEqualTo("POST");
			assertThat(tokenProof.claim("htu")).isEqualTo(this.server.baseUrl() + "/oauth2/token");
			assertThat(tokenProof.iat()).isEqualTo(this.clock.instant().getEpochSecond());
			assertThat(tokenProof.claims().getClaims()).doesNotContainKey("ath");
			List<LoggedRequest> calls = this.server.findAll(anyRequestedFor(urlPathEqualTo("/api/rooms")));
			assertThat(calls).hasSize(1000);
			Set<String> ids = new HashSet<>();
			ids.add(tokenProof.claim("jti"));
			for (LoggedRequest call : calls) {
				assertThat(call.getHeader("Authorization")).isEqualTo("DPoP token-1");
				Proof proof = DpopProofChecks.verified(call.getHeader("DPoP"));
				assertThat(proof.thumbprint()).isEqualTo(tokenProof.thumbprint());
				assertThat(proof.header().getAlgorithm().getName()).isEqualTo("ES256");
				assertThat(proof.claim("htm")).isEqualTo("GET");
				assertThat(proof.claim("htu")).isEqualTo(this.server.baseUrl() + "/api/rooms");
				assertThat(proof.claim("ath")).isEqualTo(DpopProofChecks.ath("token-1"));
				assertThat(proof.iat()).isEqualTo(this.clock.instant().getEpochSecond());
				ids.add(proof.claim("jti"));
			}
			assertThat(ids).hasSize(1001);
			assertThat(context.getBean(TokenCache.class).peek("partner").dpop()).isNotNull();
		});
	}

	@Test
	void callWhenServerAnswersBearerThenTokenUsedAsBearerWithoutProof() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "bearer")));
		webClients().run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class).block(BLOCK);
			LoggedRequest call = this.server.findAll(anyRequestedFor(urlPathEqualTo("/api/rooms"))).get(0);
			assertThat(call.getHeader("Authorization")).isEqualTo("Bearer token-1");
			assertThat(call.containsHeader("DPoP")).isFalse();
			assertThat(this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).get(0).containsHeader("DPoP"))
				.isTrue();
		});
	}

	@Test
	void callWhenDpopNotEnabledThenNoProofAndDpopAnswerIsAnError() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"))
			.run((context) -> {
				WebClient webClient = context.getBean(WebClient.Builder.class).build();
				Throwable failure = webClient.get()
					.uri(this.server.baseUrl() + "/api/rooms")
					.retrieve()
					.bodyToMono(String.class)
					.then()
					.onErrorResume((ex) -> reactor.core.publisher.Mono.error(ex))
					.materialize()
					.block(BLOCK)
					.getThrowable();
				assertThat(failure).hasMessageContaining("token_type 'DPoP' is not supported")
					.hasMessageContaining("dpop.enabled");
				assertThat(this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).get(0)
					.containsHeader("DPoP")).isFalse();
				assertThat(this.server.findAll(anyRequestedFor(urlPathEqualTo("/api/rooms")))).isEmpty();
			});
	}

	@Test
	void callsWhenRestClientThenDpopHeaderAndFreshProofPerCall() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(DpopStubs.token("token-1", "DPoP")));
		RestClientContexts.runner(this.clock)
			.withPropertyValues(registration("tokenkeeper.clients.partner.dpop.algorithm=PS256"))
			.run((context) -> {
				RestClient restClient = context.getBean(RestClient.Builder.class).build();
				for (int i = 0; i < 3; i++) {
					assertThat(restClient.post()
						.uri(this.server.baseUrl() + "/api/rooms?x=" + i)
						.body("{}")
						.retrieve()
						.body(String.class)).isEqualTo("ok");
				}
				List<LoggedRequest> calls = this.server.findAll(anyRequestedFor(urlPathEqualTo("/api/rooms")));
				assertThat(calls).hasSize(3);
				Set<String> ids = new HashSet<>();
				for (LoggedRequest call : calls) {
					assertThat(call.getHeader("Authorization")).isEqualTo("DPoP token-1");
					Proof proof = DpopProofChecks.verified(call.getHeader("DPoP"));
					assertThat(proof.header().getAlgorithm().getName()).isEqualTo("PS256");
					assertThat(proof.claim("htm")).isEqualTo("POST");
					assertThat(proof.claim("htu")).isEqualTo(this.server.baseUrl() + "/api/rooms");
					assertThat(proof.claim("ath")).isEqualTo(DpopProofChecks.ath("token-1"));
					ids.add(proof.claim("jti"));
				}
				assertThat(ids).hasSize(3);
			});
	}

}
