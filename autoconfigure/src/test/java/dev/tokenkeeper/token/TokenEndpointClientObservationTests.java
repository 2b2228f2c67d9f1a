package dev.tokenkeeper.token;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;

import dev.tokenkeeper.observation.DefaultTokenRequestObservationConvention;
import dev.tokenkeeper.observation.TokenRequestObservationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class TokenEndpointClientObservationTests {

	private static final String SECRET = "s3cr3t-Pa55+/=";

	private static final String TOKEN = "tok-9f8e7d6c5b4a";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	@BeforeEach
	void setUp() {
		this.server.start();
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void requestTokenWhenIssuedThenOneSuccessObservationWithoutCredentials() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(json(200,
				"{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		StepVerifier.create(client(null).requestToken(credentials("/oauth2/token?tenant=t1"), Duration.ofMinutes(5)))
			.assertNext((token) -> assertThat(token.value()).isEqualTo(TOKEN))
			.verifyComplete();
		assertThat(this.observations).hasSingleObservationThat()
			.hasNameEqualTo("tokenkeeper.token.requests")
			.hasContextualNameEqualTo("token request partner")
			.hasLowCardinalityKeyValue("client", "partner")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("tokenkeeper.token.uri", this.server.baseUrl() + "/oauth2/token")
			.hasHighCardinalityKeyValue("http.response.status_code", "200")
			.doesNotHaveError()
			.hasBeenStopped();
		assertThat(this.observations).hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
			.singleElement()
			.satisfies((context) -> assertThat(context.getAllKeyValues().stream().map(KeyValue::getValue))
				.noneMatch((value) -> value.contains(SECRET) || value.contains(TOKEN)))
			.satisfies((context) -> assertThat(context.toString()).doesNotContain(SECRET).doesNotContain(TOKEN)));
	}

	@Test
	void requestTokenWhenInvalidClientThenClientErrorObservationWithError() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token"))
			.willReturn(json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Unauthorized\"}")));
		StepVerifier.create(client(null).requestToken(credentials("/oauth2/token"), Duration.ofMinutes(5)))
			.expectError(TokenEndpointException.class)
			.verify(Duration.ofSeconds(10));
		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("client", "partner")
			.hasLowCardinalityKeyValue("outcome", "client_error")
			.hasHighCardinalityKeyValue("http.response.status_code", "401")
			.assertThatError()
			.isInstanceOf(TokenEndpointException.class)
			.hasMessageContaining("invalid_client")
			.hasMessageNotContaining(SECRET);
	}

	@Test
	void requestTokenWhenNothingListensThenIoErrorObservationWithoutStatus() {
		int port = this.server.port();
		this.server.stop();
		StepVerifier.create(client(null).requestToken(credentials(URI.create("http://127.0.0.1:" + port + "/token")),
				Duration.ofMinutes(5)))
			.expectError(TokenEndpointException.class)
			.verify(Duration.ofSeconds(10));
		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "io_error")
			.doesNotHaveHighCardinalityKeyValueWithKey("http.response.status_code")
			.hasError();
	}

	@Test
	void requestTokenWhenSubscribedAgainThenEachAttemptIsObserved() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(json(503, "{\"error\":\"unavailable\"}")));
		Mono<IssuedToken> request = client(null).requestToken(credentials("/oauth2/token"), Duration.ofMinutes(5));
		StepVerifier.create(request.retry(2)).expectError(TokenEndpointException.class).verify(Duration.ofSeconds(10));
		this.server.verify(3, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		assertThat(this.observations).hasNumberOfObservationsWithNameEqualTo("tokenkeeper.token.requests", 3)
			.forAllObservationsWithNameEqualTo("tokenkeeper.token.requests",
					(observation) -> observation.hasLowCardinalityKeyValue("outcome", "server_error").hasError());
	}

	@Test
	void requestTokenWhenRetryWhenGivesUpThenTheFailedAttemptIsObservedOnce() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(json(401, "{\"error\":\"invalid_client\"}")));
		// as TokenCache does: retryWhen cancels its source once it gives up on an error
		Mono<IssuedToken> request = client(null).requestToken(credentials("/oauth2/token"), Duration.ofMinutes(5))
			.retryWhen(Retry.max(2).filter((ex) -> false));
		StepVerifier.create(request).expectError(TokenEndpointException.class).verify(Duration.ofSeconds(10));
		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "client_error")
			.hasError();
	}

	@Test
	void requestTokenWhenCancelledThenObservedAsIoErrorOnce() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token"))
			.willReturn(json(200, "{\"access_token\":\"x\"}").withFixedDelay(5_000)));
		StepVerifier.create(client(null).requestToken(credentials("/oauth2/token"), Duration.ofMinutes(5)))
			.thenCancel()
			.verify(Duration.ofSeconds(10));
		assertThat(this.observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "io_error")
			.doesNotHaveError();
	}

	@Test
	void requestTokenWhenConventionGivenThenItShapesTheObservation() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(json(200,
				"{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		DefaultTokenRequestObservationConvention convention = new DefaultTokenRequestObservationConvention() {

			@Override
			public String getName() {
				return "partner.tokens";
			}

			@Override
			public KeyValues getLowCardinalityKeyValues(TokenRequestObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("team", "billing");
			}

		};
		StepVerifier.create(client(convention).requestToken(credentials("/oauth2/token"), Duration.ofMinutes(5)))
			.expectNextCount(1)
			.verifyComplete();
		assertThat(this.observations).hasSingleObservationThat()
			.hasNameEqualTo("partner.tokens")
			.hasLowCardinalityKeyValue("team", "billing")
			.hasLowCardinalityKeyValue("outcome", "success");
	}

	private TokenEndpointClient client(DefaultTokenRequestObservationConvention convention) {
		return new TokenEndpointClient(new ReactorClientHttpConnector(), Clock.systemUTC(), 65536,
				Duration.ofSeconds(5), Duration.ofMinutes(1), this.observations, convention);
	}

	private ClientCredentials credentials(String path) {
		return credentials(URI.create(this.server.baseUrl() + path));
	}

	private static ClientCredentials credentials(URI tokenUri) {
		return new ClientCredentials("partner", ProviderProfile.BASIC_FORM, tokenUri, "client", SECRET, null,
				List.of(), Map.of());
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
