package dev.tokenkeeper.autoconfigure;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials are read on every token request: a secret rotated at runtime (as Spring Cloud's
 * rebinding does to the properties bean) is used by the next token request, without a restart.
 */
class RefreshedCredentialsTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));

	@BeforeEach
	void start() {
		this.server.start();
		this.server.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void tokenWhenSecretRotatedAtRuntimeThenNextTokenRequestUsesTheNewSecret() {
		WebClientContexts.runner(this.clock)
			.withPropertyValues("tokenkeeper.clients.canvas.profile=post-form",
					"tokenkeeper.clients.canvas.token-uri=" + this.server.baseUrl() + "/token",
					"tokenkeeper.clients.canvas.client-id=canvas", "tokenkeeper.clients.canvas.client-secret=old-secret")
			.run((context) -> {
				TokenCache tokens = context.getBean(TokenCache.class);
				tokens.token("canvas").block(Duration.ofSeconds(10));
				context.getBean(TokenKeeperProperties.class).getClients().get("canvas").setClientSecret("new-secret");
				this.clock.advance(Duration.ofSeconds(241));
				tokens.token("canvas").block(Duration.ofSeconds(10));
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/token"))
					.withRequestBody(containing("client_secret=old-secret")));
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/token"))
					.withRequestBody(containing("client_secret=new-secret")));
				assertThat(this.server.getAllServeEvents()).hasSize(2);
			});
	}

}
