package dev.tokenkeeper.client;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tokenKeeperAuthorizedClientManager} bean, as Spring Security code calls it.
 */
class TokenKeeperAuthorizedClientManagerTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"));
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void authorizeWhenDifferentPrincipalsThenSameCachedTokenAndOneTokenRequest() {
		this.contextRunner.run((context) -> {
			ReactiveOAuth2AuthorizedClientManager manager = context.getBean("tokenKeeperAuthorizedClientManager",
					ReactiveOAuth2AuthorizedClientManager.class);
			OAuth2AuthorizedClient alice = manager
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("alice").build())
				.block(BLOCK);
			OAuth2AuthorizedClient bob = manager
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("bob").build())
				.block(BLOCK);
			assertThat(alice.getAccessToken().getTokenValue()).isEqualTo("token-1");
			assertThat(bob.getAccessToken().getTokenValue()).isEqualTo("token-1");
			assertThat(alice.getPrincipalName()).isEqualTo("alice");
			assertThat(bob.getPrincipalName()).isEqualTo("bob");
			assertThat(alice.getClientRegistration().getRegistrationId()).isEqualTo("partner");
			assertThat(alice.getClientRegistration().getClientId()).isEqualTo("partner-client");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void authorizeWhenKeptMonoSubscribedAfterUsableLifeThenNewToken() {
		this.contextRunner.run((context) -> {
			ReactiveOAuth2AuthorizedClientManager manager = context.getBean(ReactiveOAuth2AuthorizedClientManager.class);
			OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("partner")
				.principal("alice")
				.build();
			assertThat(manager.authorize(request).block(BLOCK).getAccessToken().getTokenValue()).isEqualTo("token-1");
			// kept while the token is cached: a hit when it was built
			Mono<OAuth2AuthorizedClient> kept = manager.authorize(request);
			assertThat(kept.block(BLOCK).getAccessToken().getTokenValue()).isEqualTo("token-1");
			// 300 s tokens are usable for 240 s with the defaults
			this.clock.advance(Duration.ofSeconds(241));
			assertThat(kept.block(BLOCK).getAccessToken().getTokenValue()).isEqualTo("token-2");
			assertThat(kept.block(BLOCK).getPrincipalName()).isEqualTo("alice");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void authorizeWhenWebClientAlreadyGotTokenThenSameToken() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(webClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().bodyToMono(String.class)
				.block(BLOCK)).isEqualTo("ok");
			ReactiveOAuth2AuthorizedClientManager manager = context.getBean(ReactiveOAuth2AuthorizedClientManager.class);
			OAuth2AuthorizedClient client = manager
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("carol").build())
				.block(BLOCK);
			assertThat(client.getAccessToken().getTokenValue()).isEqualTo("token-1");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void contextWhenTokenKeeperConfiguredThenNoReactiveClientRegistrationRepository() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ReactiveOAuth2AuthorizedClientManager.class);
			assertThat(context).getBean("tokenKeeperAuthorizedClientManager")
				.isInstanceOf(ReactiveOAuth2AuthorizedClientManager.class);
			assertThat(context).doesNotHaveBean(ReactiveClientRegistrationRepository.class);
		});
	}

	@Test
	void authorizeWhenUnknownIdAndNoUserRegistrationsThenErrorNamesId() {
		this.contextRunner.run((context) -> {
			ReactiveOAuth2AuthorizedClientManager manager = context.getBean(ReactiveOAuth2AuthorizedClientManager.class);
			StepVerifier
				.create(manager
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("unknown").principal("alice").build()))
				.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("'unknown'"))
				.verify(BLOCK);
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

}
