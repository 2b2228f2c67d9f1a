package dev.tokenkeeper.autoconfigure;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.observation.DefaultTokenRequestObservationConvention;
import dev.tokenkeeper.observation.TokenRequestObservationContext;
import dev.tokenkeeper.observation.TokenRequestObservationConvention;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observability is optional: without Actuator and Micrometer's core the starter works the same,
 * and with an {@code ObservationRegistry} its token requests are observed.
 */
class TokenKeeperOptionalIntegrationsTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(post("/oauth2/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("ok")));
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
					TokenKeeperWebClientAutoConfiguration.class, TokenKeeperMetricsAutoConfiguration.class,
					TokenKeeperEndpointAutoConfiguration.class, TokenKeeperHealthContributorAutoConfiguration.class))
			.withPropertyValues("tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/oauth2/token",
					"tokenkeeper.clients.partner.client-id=client", "tokenkeeper.clients.partner.client-secret=secret",
					"tokenkeeper.clients.partner.base-urls=" + this.server.baseUrl() + "/api",
					"management.endpoints.web.exposure.include=*");
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void contextWhenNeitherActuatorNorMicrometerMetricsArePresentThenTokensStillFlow() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("io.micrometer.core", "org.springframework.boot.actuate",
					"org.springframework.boot.health", "org.springframework.boot.micrometer"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(Object.class))
					.noneMatch((name) -> name.equals("tokenKeeperEndpoint") || name.equals("tokenkeeperHealthContributor")
							|| name.equals("tokenKeeperTokenCacheMetrics")
							|| name.equals("tokenKeeperTokenCacheMeterBinder"));
				assertThat(call(context.getBean(WebClient.Builder.class).build())).isEqualTo("ok");
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			});
	}

	@Test
	void tokenRequestsWhenObservationRegistryAndConventionBeansThenObservedThroughThem() {
		TestObservationRegistry observations = TestObservationRegistry.create();
		TokenRequestObservationConvention convention = new DefaultTokenRequestObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(TokenRequestObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("team", "billing");
			}

		};
		this.contextRunner.withBean(ObservationRegistry.class, () -> observations)
			.withBean(TokenRequestObservationConvention.class, () -> convention)
			.run((context) -> {
				assertThat(call(context.getBean(WebClient.Builder.class).build())).isEqualTo("ok");
				assertThat(observations).hasSingleObservationThat()
					.hasNameEqualTo("tokenkeeper.token.requests")
					.hasLowCardinalityKeyValue("client", "partner")
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasLowCardinalityKeyValue("team", "billing");
			});
	}

	private String call(WebClient webClient) {
		return webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

}
