package dev.tokenkeeper.integration;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.annotation.ClientRegistrationId;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup.ClientType;
import org.springframework.web.service.registry.ImportHttpServices;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperHttpServiceClientAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRestClientAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
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
 * HTTP service clients ({@code @HttpExchange} interfaces imported in groups) get TokenKeeper's
 * tokens in WebClient and RestClient groups alike: by {@code @ClientRegistrationId}, or by
 * the group's base URL.
 */
class HttpServiceClientTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner withoutProcessor;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		String base = this.server.baseUrl();
		this.withoutProcessor = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
					HttpServiceClientPropertiesAutoConfiguration.class, WebClientAutoConfiguration.class,
					ReactiveHttpServiceClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					HttpServiceClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
					TokenKeeperWebClientAutoConfiguration.class, TokenKeeperRestClientAutoConfiguration.class))
			.withBean(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> this.clock)
			.withUserConfiguration(HttpServices.class)
			// candid: no base-urls, tokens only where code names it
			.withPropertyValues(WebClientContexts.registration("candid", base + "/candid/token"))
			.withPropertyValues(WebClientContexts.registration("partner", base + "/partner/token", base + "/api"))
			.withPropertyValues("spring.http.serviceclient.candid-web.base-url=" + base + "/claims",
					"spring.http.serviceclient.candid-rest.base-url=" + base + "/claims",
					"spring.http.serviceclient.partner-rest.base-url=" + base + "/api",
					"spring.reactor.netty.shutdown-quiet-period=50ms");
		this.contextRunner = this.withoutProcessor
			.withConfiguration(AutoConfigurations.of(TokenKeeperHttpServiceClientAutoConfiguration.class));
		TokenEndpointStubs.sequence(this.server, "/candid/token", 300, "candid-token");
		TokenEndpointStubs.sequence(this.server, "/partner/token", 300, "partner-token");
		this.server.stubFor(get(urlPathEqualTo("/claims/open")).willReturn(aResponse().withBody("claims")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("rooms")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void webClientAndRestClientGroupsWhenInterfaceHasClientRegistrationIdThenBearerAndOneTokenRequest() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(CandidWebApi.class).openClaims()).isEqualTo("claims");
			assertThat(context.getBean(CandidRestApi.class).openClaims()).isEqualTo("claims");
			assertThat(context.getBean(CandidWebApi.class).openClaims()).isEqualTo("claims");
			assertThat(this.server.findAll(getRequestedFor(urlPathEqualTo("/claims/open")))).hasSize(3)
				.allSatisfy((request) -> assertThat(authorization(request)).containsExactly("Bearer candid-token"));
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/candid/token")));
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/partner/token")));
		});
	}

	@Test
	void restClientGroupWhenBaseUrlUnderRegistrationBaseUrlThenBearerWithoutAnnotation() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(PartnerRestApi.class).rooms()).isEqualTo("rooms");
			assertThat(authorization(this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms"))).get(0)))
				.containsExactly("Bearer partner-token");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/partner/token")));
		});
	}

	@Test
	void groupsWhenProcessorNotRegisteredThenAnnotationIsNotSeen() {
		// what the auto-configuration adds: without it, the annotation reaches no filter
		this.withoutProcessor.run((context) -> {
			assertThat(context.getBean(CandidRestApi.class).openClaims()).isEqualTo("claims");
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/claims/open"))
				.withoutHeader(HttpHeaders.AUTHORIZATION));
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/candid/token")));
		});
	}

	private static List<String> authorization(LoggedRequest request) {
		return request.getHeaders().getHeader(HttpHeaders.AUTHORIZATION).values();
	}

	@ClientRegistrationId("candid")
	interface CandidWebApi {

		@GetExchange("/open")
		String openClaims();

	}

	@ClientRegistrationId("candid")
	interface CandidRestApi {

		@GetExchange("/open")
		String openClaims();

	}

	interface PartnerRestApi {

		@GetExchange("/rooms")
		String rooms();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "candid-web", types = CandidWebApi.class, clientType = ClientType.WEB_CLIENT)
	@ImportHttpServices(group = "candid-rest", types = CandidRestApi.class, clientType = ClientType.REST_CLIENT)
	@ImportHttpServices(group = "partner-rest", types = PartnerRestApi.class, clientType = ClientType.REST_CLIENT)
	static class HttpServices {

	}

}
