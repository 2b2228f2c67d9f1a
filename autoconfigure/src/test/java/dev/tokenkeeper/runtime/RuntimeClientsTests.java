package dev.tokenkeeper.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.routing.TokenRoutingException;
import dev.tokenkeeper.test.HeldTokenEndpoint;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.web.TokenKeeperAttributes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Clients registered while the application runs: {@code tokenKeeperClients} adds, replaces
 * and removes them, and WebClient and RestClient calls get their tokens as for configured
 * ones. What is asserted is what crossed the wire.
 */
class RuntimeClientsTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));

	@BeforeEach
	void start() {
		this.server.start();
		token("secret-1", "token-1");
		token("secret-2", "token-2");
		this.server.stubFor(any(urlPathEqualTo("/api/claims")).willReturn(aResponse().withStatus(200).withBody("ok")));
		this.server.stubFor(any(urlPathEqualTo("/elsewhere")).willReturn(aResponse().withStatus(200).withBody("ok")));
	}

	private void token(String secret, String token) {
		this.server.stubFor(post("/token").withRequestBody(containing("client_secret=" + secret))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	private ApplicationContextRunner runner() {
		return runner(this.clock);
	}

	/** RestClient and WebClient in one context, with no configured client at all. */
	static ApplicationContextRunner runner(Clock clock) {
		return RestClientContexts.runner(clock)
			.withConfiguration(
					AutoConfigurations.of(WebClientAutoConfiguration.class, TokenKeeperWebClientAutoConfiguration.class));
	}

	private Map<String, Object> clinic(String secret, String... baseUrls) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("profile", "post-form");
		properties.put("token-uri", this.server.baseUrl() + "/token");
		properties.put("client-id", "clinic-7");
		properties.put("client-secret", secret);
		if (baseUrls.length > 0) {
			properties.put("base-urls", List.of(baseUrls));
		}
		return properties;
	}

	@Test
	void registerThenWebClientAndRestClientGetItsTokenByAttributeAndByBaseUrl() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean("tokenKeeperClients", TokenKeeperClients.class);
			assertThat(clients.contains("clinic-7")).isFalse();
			assertThat(clients.register("clinic-7", clinic("secret-1", this.server.baseUrl() + "/api"))).isFalse();
			assertThat(clients.contains("clinic-7")).isTrue();
			WebClient webClient = context.getBean(WebClient.Builder.class).baseUrl(this.server.baseUrl()).build();
			RestClient restClient = context.getBean(RestClient.Builder.class).baseUrl(this.server.baseUrl()).build();
			webClient.get().uri("/api/claims?by=url").retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
			restClient.get().uri("/api/claims?by=url-rest").retrieve().toBodilessEntity();
			webClient.get()
				.uri("/api/claims?by=attribute")
				.attributes(TokenKeeperAttributes.client("clinic-7"))
				.retrieve()
				.toBodilessEntity()
				.block(Duration.ofSeconds(10));
			restClient.get()
				.uri("/api/claims?by=attribute-rest")
				.attributes(TokenKeeperAttributes.client("clinic-7"))
				.retrieve()
				.toBodilessEntity();
			this.server.verify(4, getRequestedFor(urlPathEqualTo("/api/claims"))
				.withHeader("Authorization", equalTo("Bearer token-1")));
			this.server.verify(1, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Test
	void registerWithTypedBuilderThenCallsGetItsToken() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			clients.client("clinic-7")
				.profile("post-form")
				.tokenUri(this.server.baseUrl() + "/token")
				.clientId("clinic-7")
				.clientSecret("secret-1")
				.baseUrls(this.server.baseUrl() + "/api")
				.register();
			context.getBean(RestClient.Builder.class)
				.baseUrl(this.server.baseUrl())
				.build()
				.get()
				.uri("/api/claims")
				.retrieve()
				.toBodilessEntity();
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/claims"))
				.withHeader("Authorization", equalTo("Bearer token-1")));
		});
	}

	@Test
	void replaceWithNewSecretThenTokenEndpointSeesItAndTheOldTokenIsNeverSentAgain() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			clients.register("clinic-7", clinic("secret-1", this.server.baseUrl() + "/api"));
			RestClient restClient = context.getBean(RestClient.Builder.class).baseUrl(this.server.baseUrl()).build();
			restClient.get().uri("/api/claims").retrieve().toBodilessEntity();
			assertThat(clients.register("clinic-7", clinic("secret-2", this.server.baseUrl() + "/api"))).isTrue();
			restClient.get().uri("/api/claims").retrieve().toBodilessEntity();
			restClient.get().uri("/api/claims").retrieve().toBodilessEntity();
			this.server.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("client_secret=secret-1")));
			this.server.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("client_secret=secret-2")));
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/claims"))
				.withHeader("Authorization", equalTo("Bearer token-1")));
			this.server.verify(2, getRequestedFor(urlPathEqualTo("/api/claims"))
				.withHeader("Authorization", equalTo("Bearer token-2")));
		});
	}

	@Test
	void removeThenNamingItFailsClearlyAndItsBaseUrlGoesOutUntouched() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			clients.register("clinic-7", clinic("secret-1", this.server.baseUrl() + "/api"));
			RestClient restClient = context.getBean(RestClient.Builder.class).baseUrl(this.server.baseUrl()).build();
			restClient.get().uri("/api/claims").retrieve().toBodilessEntity();
			assertThat(clients.remove("clinic-7")).isTrue();
			assertThat(clients.contains("clinic-7")).isFalse();
			assertThat(clients.remove("clinic-7")).isFalse();
			this.server.resetRequests();
			restClient.get().uri("/api/claims").retrieve().toBodilessEntity();
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/claims")).withHeader("Authorization", absent()));
			assertThatExceptionOfType(TokenRoutingException.class)
				.isThrownBy(() -> restClient.get()
					.uri("/elsewhere")
					.attributes(TokenKeeperAttributes.client("clinic-7"))
					.retrieve()
					.toBodilessEntity())
				.withMessageContaining("'clinic-7'");
			WebClient webClient = context.getBean(WebClient.Builder.class).baseUrl(this.server.baseUrl()).build();
			assertThatExceptionOfType(TokenRoutingException.class)
				.isThrownBy(() -> webClient.get()
					.uri("/elsewhere")
					.attributes(TokenKeeperAttributes.client("clinic-7"))
					.retrieve()
					.toBodilessEntity()
					.block(Duration.ofSeconds(10)))
				.withMessageContaining("'clinic-7'");
			this.server.verify(0, postRequestedFor(urlEqualTo("/token")));
			this.server.verify(0, getRequestedFor(urlPathEqualTo("/elsewhere")));
		});
	}

	@Test
	void registerWhenPropertyInvalidThenStartUpExceptionNamesItAndNothingChanges() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			clients.register("clinic-7", clinic("secret-1", this.server.baseUrl() + "/api"));
			Map<String, Object> invalid = clinic("secret-2", this.server.baseUrl() + "/api");
			invalid.put("token-uri", "http://partner.example.com/token");
			invalid.put("expiry-skew", "soon");
			assertThatExceptionOfType(InvalidTokenKeeperConfigurationException.class)
				.isThrownBy(() -> clients.register("clinic-7", invalid))
				.withMessageContaining("tokenkeeper.clients.clinic-7.expiry-skew")
				.withMessageNotContaining("soon")
				.withMessageNotContaining("secret-2");
			invalid.put("expiry-skew", "30s");
			assertThatExceptionOfType(InvalidTokenKeeperConfigurationException.class)
				.isThrownBy(() -> clients.register("clinic-7", invalid))
				.withMessageContaining("tokenkeeper.clients.clinic-7.token-uri")
				.withMessageNotContaining("secret-2");
			Map<String, Object> typo = clinic("secret-2");
			typo.put("client-secrte", "secret-3");
			assertThatExceptionOfType(InvalidTokenKeeperConfigurationException.class)
				.isThrownBy(() -> clients.register("clinic-8", typo))
				.withMessageContaining("tokenkeeper.clients.clinic-8.client-secrte")
				.withMessageNotContaining("secret-3");
			assertThat(clients.contains("clinic-8")).isFalse();
			// the existing client is as it was: its secret and base URL
			context.getBean(RestClient.Builder.class)
				.baseUrl(this.server.baseUrl())
				.build()
				.get()
				.uri("/api/claims")
				.retrieve()
				.toBodilessEntity();
			this.server.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("client_secret=secret-1")));
			this.server.verify(0, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("client_secret=secret-2")));
		});
	}

	@Test
	void registerWhenBaseUrlIsAnotherClientsThenRefused() {
		runner().run((context) -> {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			clients.register("clinic-7", clinic("secret-1", this.server.baseUrl() + "/api"));
			assertThatExceptionOfType(InvalidTokenKeeperConfigurationException.class)
				.isThrownBy(() -> clients.register("clinic-8", clinic("secret-2", this.server.baseUrl() + "/api")))
				.withMessageContaining("tokenkeeper.clients.clinic-8.base-urls[0]")
				.withMessageContaining("'clinic-7'");
			assertThat(clients.contains("clinic-8")).isFalse();
		});
	}

	@Test
	void replaceWhileTokenRequestInFlightThenItsTokenIsNotServedForTheNewCredentials() {
		try (HeldTokenEndpoint endpoint = new HeldTokenEndpoint(300)) {
			runner().run((context) -> {
				TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
				TokenCache tokens = context.getBean(TokenCache.class);
				Map<String, Object> properties = Map.of("token-uri", endpoint.tokenUri(), "client-id", "clinic-7",
						"client-secret", "old");
				clients.register("clinic-7", properties);
				endpoint.hold();
				var old = tokens.token("clinic-7").toFuture();
				endpoint.awaitRequests(1);
				clients.register("clinic-7", Map.of("token-uri", endpoint.tokenUri(), "client-id", "clinic-7",
						"client-secret", "new"));
				endpoint.release();
				assertThat(old.get().value()).isEqualTo("token-1");
				assertThat(tokens.token("clinic-7").block(Duration.ofSeconds(10)).value()).isEqualTo("token-2");
				assertThat(tokens.token("clinic-7").block(Duration.ofSeconds(10)).value()).isEqualTo("token-2");
				assertThat(endpoint.requests()).isEqualTo(2);
			});
		}
	}

	@Test
	void thousandConcurrentFirstCallsForOneRuntimeClientThenOneTokenRequest() {
		try (HeldTokenEndpoint endpoint = new HeldTokenEndpoint(300)) {
			runner().run((context) -> {
				context.getBean(TokenKeeperClients.class)
					.register("clinic-7", Map.of("token-uri", endpoint.tokenUri(), "client-id", "c", "client-secret", "s"));
				TokenCache tokens = context.getBean(TokenCache.class);
				endpoint.hold();
				var all = Flux.range(0, 1000)
					.flatMap((i) -> tokens.token("clinic-7"), 1000)
					.collectList()
					.toFuture();
				endpoint.awaitRequests(1);
				endpoint.release();
				assertThat(all.get()).hasSize(1000).allSatisfy((token) -> assertThat(token.value()).isEqualTo("token-1"));
				assertThat(endpoint.requests()).isEqualTo(1);
			});
		}
	}

	@Test
	void twoHundredClientsTwentyCallsEachThenTwoHundredTokenRequests() {
		try (HeldTokenEndpoint endpoint = new HeldTokenEndpoint(300)) {
			runner().run((context) -> {
				TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
				for (int i = 0; i < 200; i++) {
					clients.register("clinic-" + i,
							Map.of("token-uri", endpoint.tokenUri(), "client-id", "c" + i, "client-secret", "s" + i));
				}
				TokenCache tokens = context.getBean(TokenCache.class);
				List<String> values = Flux.range(0, 200 * 20)
					.flatMap((i) -> tokens.token("clinic-" + (i % 200)).map((token) -> (i % 200) + "=" + token.value()),
							256)
					.distinct()
					.collectList()
					.block(Duration.ofSeconds(60));
				assertThat(values).hasSize(200);
				assertThat(endpoint.requests()).isEqualTo(200);
			});
		}
	}

}
