package dev.tokenkeeper.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tokenkeeper.enabled=false}: no TokenKeeper beans, WebClients untouched.
 */
class TokenKeeperDisabledTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"));
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void contextWhenDisabledThenNoTokenKeeperBeans() {
		this.contextRunner.withPropertyValues("tokenkeeper.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TokenCache.class);
			assertThat(context).doesNotHaveBean(TokenKeeperExchangeFilterFunction.class);
			assertThat(context).doesNotHaveBean(ReactiveOAuth2AuthorizedClientManager.class);
			assertThat(context).doesNotHaveBean("tokenKeeperWebClientCustomizer");
			List<String> ours = Arrays.stream(context.getBeanDefinitionNames())
				.filter((name) -> name.toLowerCase(Locale.ROOT).contains("tokenkeeper")
						|| context.getType(name) != null && context.getType(name).getName().startsWith("dev.tokenkeeper"))
				.filter((name) -> !name.equals("tokenKeeperClock"))
				.toList();
			assertThat(ours).isEmpty();
			assertThat(context.getBeansOfType(WebClientCustomizer.class).values())
				.noneMatch((customizer) -> customizer.getClass().getName().startsWith("dev.tokenkeeper"));
		});
	}

	@Test
	void contextWhenEnabledThenTokenKeeperBeans() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TokenCache.class);
			assertThat(context).hasSingleBean(TokenKeeperExchangeFilterFunction.class);
			assertThat(context).hasBean("tokenKeeperWebClientCustomizer");
		});
	}

	@Test
	void webClientWhenDisabledThenNoAuthorizationSent() {
		this.contextRunner.withPropertyValues("tokenkeeper.enabled=false").run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class)
				.block(Duration.ofSeconds(30))).isEqualTo("ok");
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")).withoutHeader(HttpHeaders.AUTHORIZATION));
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

}
