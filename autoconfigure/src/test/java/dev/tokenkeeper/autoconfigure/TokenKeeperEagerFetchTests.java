package dev.tokenkeeper.autoconfigure;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class TokenKeeperEagerFetchTests {

	private static final String SECRET = "eager-S3cret+/=";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private ConfigurableApplicationContext context;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(post("/a/token").willReturn(token("token-a")));
		this.server.stubFor(post("/b/token").willReturn(token("token-b")));
	}

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void eagerWhenEnabledThenEveryTokenIsRequestedOnceTheApplicationIsReady() {
		this.context = run("tokenkeeper.eager=true");
		TokenCache tokens = this.context.getBean(TokenCache.class);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.VALID);
			assertThat(tokens.status("b").state()).isEqualTo(TokenStatus.State.VALID);
		});
		assertThat(tokens.token("a").block(Duration.ofSeconds(5)).value()).isEqualTo("token-a");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/a/token")));
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/b/token")));
	}

	@Test
	void eagerWhenTokenEndpointRefusesThenTheApplicationStillStartsAndLogsTheFailure(CapturedOutput output) {
		this.server.stubFor(post("/b/token").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client\"}")));
		this.context = run("tokenkeeper.eager=true");
		assertThat(this.context.isActive()).isTrue();
		TokenCache tokens = this.context.getBean(TokenCache.class);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.VALID);
			assertThat(tokens.status("b").state()).isEqualTo(TokenStatus.State.FAILED);
		});
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getAll()).contains("Token request for registration 'b' failed")
				.contains("invalid_client"));
		assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain("token-a");
	}

	@Test
	void eagerWhenNotEnabledThenTokensWaitForTheirFirstUse() {
		this.context = run();
		assertThat(this.context.getBeansOfType(TokenKeeperEagerFetch.class)).isEmpty();
		TokenCache tokens = this.context.getBean(TokenCache.class);
		assertThat(tokens.status("a").state()).isEqualTo(TokenStatus.State.NONE);
		this.server.verify(0, postRequestedFor(urlPathEqualTo("/a/token")));
	}

	private ConfigurableApplicationContext run(String... properties) {
		String base = this.server.baseUrl();
		return new SpringApplicationBuilder(EagerApplication.class).web(WebApplicationType.NONE)
			.properties("tokenkeeper.clients.a.token-uri=" + base + "/a/token", "tokenkeeper.clients.a.client-id=a",
					"tokenkeeper.clients.a.client-secret=" + SECRET, "tokenkeeper.clients.b.token-uri=" + base + "/b/token",
					"tokenkeeper.clients.b.client-id=b", "tokenkeeper.clients.b.client-secret=" + SECRET)
			.properties(properties)
			.run();
	}

	private static ResponseDefinitionBuilder token(String token) {
		return aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ReactiveHttpClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class })
	static class EagerApplication {

	}

}
