package dev.tokenkeeper.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@code tokenKeeperServletAuthorizedClientManager} bean, as Spring Security's blocking
 * code calls it.
 */
class TokenKeeperServletAuthorizedClientManagerTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = RestClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"));
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2");
		TokenEndpointStubs.sequence(this.server, "/own/token", 300, "own-token");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void authorizeWhenDifferentPrincipalsThenSameCachedTokenAsTheRestClientsAndOneTokenRequest() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(RestClient.Builder.class).build().get()
				.uri(this.server.baseUrl() + "/api/rooms").retrieve().body(String.class)).isEqualTo("ok");
			OAuth2AuthorizedClientManager manager = context.getBean("tokenKeeperServletAuthorizedClientManager",
					OAuth2AuthorizedClientManager.class);
			OAuth2AuthorizedClient alice = manager
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("alice").build());
			OAuth2AuthorizedClient bob = manager
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("bob").build());
			assertThat(alice.getAccessToken().getTokenValue()).isEqualTo("token-1");
			assertThat(bob.getAccessToken().getTokenValue()).isEqualTo("token-1");
			assertThat(alice.getPrincipalName()).isEqualTo("alice");
			assertThat(alice.getClientRegistration().getClientId()).isEqualTo("partner-client");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void authorizeWhenUnknownIdAndNoUserRegistrationsThenErrorNamesId() {
		this.contextRunner.run((context) -> {
			OAuth2AuthorizedClientManager manager = context.getBean(OAuth2AuthorizedClientManager.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> manager
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("unknown").principal("alice").build()))
				.withMessageContaining("'unknown'");
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void authorizeWhenApplicationsOwnRegistrationThenSpringSecuritysStockManagerServesIt() {
		ClientRegistration own = ClientRegistration.withRegistrationId("own")
			.clientId("own-client")
			.clientSecret("own-secret")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(this.server.baseUrl() + "/own/token")
			.build();
		this.contextRunner
			.withBean(ClientRegistrationRepository.class, () -> new InMemoryClientRegistrationRepository(own))
			.run((context) -> {
				OAuth2AuthorizedClientManager manager = context.getBean(OAuth2AuthorizedClientManager.class);
				assertThat(manager).isInstanceOf(TokenKeeperServletAuthorizedClientManager.class);
				OAuth2AuthorizedClient client = manager
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("own").principal("batch").build());
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("own-token");
				// Spring Security's own token client sent it, the way it does
				assertThat(URLDecoder.decode(
						this.server.findAll(postRequestedFor(urlPathEqualTo("/own/token"))).get(0).getBodyAsString(),
						StandardCharsets.UTF_8))
					.contains("grant_type=client_credentials");
				this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			});
	}

	@Test
	void contextWhenApplicationDefinesItsOwnManagerThenTokenKeeperBacksOff() {
		OAuth2AuthorizedClientManager own = (request) -> null;
		this.contextRunner.withBean("ownManager", OAuth2AuthorizedClientManager.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizedClientManager.class);
			assertThat(context.getBean(OAuth2AuthorizedClientManager.class)).isSameAs(own);
		});
	}

}
