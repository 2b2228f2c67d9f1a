package dev.tokenkeeper.web;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.ProviderCatalogue;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenRequestOutcome;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A token endpoint that refuses (400, 403) is asked once, with the auto-configured default
 * retry settings: retrying a refusal cannot succeed and only adds to the provider's rate
 * limit. The caller of the API gets the provider's OAuth2 error code.
 */
class TokenEndpointRefusalTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@BeforeEach
	void start() {
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	static Stream<Arguments> refusals() {
		ProviderCatalogue.Response auth0 = ProviderCatalogue.response("auth0", "no_client_grant_for_audience");
		return Stream.of(
				// RFC 6749 section 5.2
				Arguments.of("400 invalid_scope", 400,
						"{\"error\":\"invalid_scope\",\"error_description\":\"scope rooms:write is not allowed\"}",
						"invalid_scope"),
				Arguments.of("403 from Auth0 (" + auth0.key() + ")", auth0.status(), auth0.body(), "access_denied"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusals")
	void getWhenTokenEndpointRefusesThenOneTokenRequestAndTheCallerGetsTheOAuth2Error(String name, int status,
			String body, String errorCode) {
		this.server.stubFor(post("/oauth2/token").willReturn(
				aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
		WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"))
			.run((context) -> {
				WebClient webClient = context.getBean(WebClient.Builder.class).build();
				Throwable failure = catchThrowable(() -> webClient.get()
					.uri(this.server.baseUrl() + "/api/rooms")
					.retrieve()
					.bodyToMono(String.class)
					.block(BLOCK));
				TokenEndpointException refusal = tokenEndpointException(failure);
				assertThat(refusal.getStatus()).isEqualTo(status);
				assertThat(refusal.getOutcome()).isEqualTo(TokenRequestOutcome.CLIENT_ERROR);
				assertThat(refusal.getError().getErrorCode()).isEqualTo(errorCode);
				assertThat(refusal.getMessage()).contains("'partner'", "HTTP " + status, errorCode);
				// The failure reached the caller only after every attempt TokenKeeper would make.
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
				this.server.verify(0, anyRequestedFor(urlPathMatching("/api/.*")));
			});
	}

	private static TokenEndpointException tokenEndpointException(Throwable failure) {
		assertThat(failure).as("the caller's failure").isNotNull();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (ex instanceof TokenEndpointException refusal) {
				return refusal;
			}
		}
		throw new AssertionError("No TokenEndpointException in " + failure, failure);
	}

}
