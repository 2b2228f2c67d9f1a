package dev.tokenkeeper.runtime;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.test.MutableClock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configured clients follow a configuration refresh by Spring Cloud Context's
 * {@link ContextRefresher} in a real application: a changed client is replaced (its token
 * dropped), a new one added, an unchanged one kept.
 */
class ConfigurationRefreshTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));

	@BeforeEach
	void start() {
		this.server.start();
		this.server.stubFor(post("/token").withRequestBody(containing("client_secret=old-secret"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"old-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(post("/token").withRequestBody(containing("client_secret=new-secret"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"new-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void refreshWhenYamlClientsSecretChangedThenNextTokenRequestUsesItAndTheOldTokenIsDropped() {
		String tokenUri = this.server.baseUrl() + "/token";
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RefreshedApplication.class)
			.web(WebApplicationType.NONE)
			.initializers((ConfigurableApplicationContext app) -> app.getBeanFactory()
				.registerSingleton(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, this.clock))
			.properties("spring.reactor.netty.shutdown-quiet-period=50ms", "tokenkeeper.clients.partner.profile=post-form",
					"tokenkeeper.clients.partner.token-uri=" + tokenUri, "tokenkeeper.clients.partner.client-id=partner",
					"tokenkeeper.clients.partner.client-secret=old-secret",
					"tokenkeeper.clients.unchanged.token-uri=" + tokenUri,
					"tokenkeeper.clients.unchanged.client-id=unchanged", "tokenkeeper.clients.unchanged.client-secret=x")
			.run()) {
			TokenCache tokens = context.getBean(TokenCache.class);
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			assertThat(tokens.token("partner").block(Duration.ofSeconds(10)).value()).isEqualTo("old-token");
			TestPropertyValues
				.of("tokenkeeper.clients.partner.client-secret=new-secret", "tokenkeeper.clients.added.profile=post-form",
						"tokenkeeper.clients.added.token-uri=" + tokenUri, "tokenkeeper.clients.added.client-id=added",
						"tokenkeeper.clients.added.client-secret=new-secret")
				.applyTo(context);
			context.getBean(ContextRefresher.class).refresh();
			// the next token request, not the token's expiry: no clock advance
			assertThat(tokens.token("partner").block(Duration.ofSeconds(10)).value()).isEqualTo("new-token");
			assertThat(tokens.token("added").block(Duration.ofSeconds(10)).value()).isEqualTo("new-token");
			this.server.verify(1, postRequestedFor(urlEqualTo("/token"))
				.withRequestBody(containing("client_secret=old-secret")));
			this.server.verify(2, postRequestedFor(urlEqualTo("/token"))
				.withRequestBody(containing("client_secret=new-secret")));
			assertThat(clients.contains("added")).isTrue();
			assertThat(clients.contains("unchanged")).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ReactiveHttpClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
			RefreshAutoConfiguration.class, ConfigurationPropertiesRebinderAutoConfiguration.class })
	static class RefreshedApplication {

	}

}
