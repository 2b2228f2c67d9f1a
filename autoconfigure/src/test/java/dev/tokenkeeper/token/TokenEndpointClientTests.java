package dev.tokenkeeper.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.http.client.reactive.ClientHttpConnector;

import dev.tokenkeeper.test.MutableClock;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each profile puts on the wire, and how the client treats what comes back at the
 * HTTP level (redirects, size cap, no connection).
 */
class TokenEndpointClientTests {

	private static final String SECRET = "a+b/c:=%";

	private static final String TOKEN_RESPONSE = "{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private TokenEndpointClient client;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(post(anyUrl()).willReturn(json(200, TOKEN_RESPONSE)));
		this.client = client(64 * 1024);
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void requestTokenWhenAuth0ThenPostsJsonWithCredentialsAudienceScopeAndExtras() {
		ClientCredentials credentials = credentials(ProviderProfile.AUTH0, "/oauth/token", "my client", SECRET,
				"https://audience.env/auth", List.of("query:partnerSessions", "mutate:partnerVideoRooms"),
				Map.of("organization", "org_1"));
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withHeader("Accept", equalTo("application/json"))
			.withHeader("Authorization", absent())
			.withRequestBody(equalToJson("""
					{"grant_type": "client_credentials", "client_id": "my client", "client_secret": "a+b/c:=%",
					 "audience": "https://audience.env/auth",
					 "scope": "query:partnerSessions mutate:partnerVideoRooms", "organization": "org_1"}
					""")));
		assertOnlyOneRequest();
	}

	@Test
	void requestTokenWhenAuth0WithoutScopesThenSendsNoScopeField() {
		ClientCredentials credentials = credentials(ProviderProfile.AUTH0, "/oauth/token", "YOUR_CLIENT_ID",
				"YOUR_CLIENT_SECRET", "api.bookabletech.com", List.of(), Map.of());
		expectToken(credentials);
		// the catalogue's documented Auth0 request, field for field, and nothing else
		this.server.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withHeader("Accept", equalTo("application/json"))
			.withHeader("Authorization", absent())
			.withRequestBody(equalToJson("""
					{"grant_type": "client_credentials", "client_id": "YOUR_CLIENT_ID",
					 "client_secret": "YOUR_CLIENT_SECRET", "audience": "api.bookabletech.com"}
					""")));
	}

	@Test
	void requestTokenWhenJsonValuesNeedEscapingThenBodyIsValidJsonWithTheExactValues() {
		String secret = "q\"uo\\te\ttab\u0001ctl-é-€";
		ClientCredentials credentials = credentials(ProviderProfile.AUTH0, "/oauth/token", "id", secret,
				"aud", List.of(), Map.of());
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/oauth/token")).withRequestBody(equalToJson("""
				{"grant_type": "client_credentials", "client_id": "id", "audience": "aud",
				 "client_secret": "q\\"uo\\\\te\\ttab\\u0001ctl-é-€"}
				""")));
	}

	@Test
	void requestTokenWhenBasicFormThenSendsRfc6749EncodedBasicHeaderAndFormBody() {
		ClientCredentials credentials = credentials(ProviderProfile.BASIC_FORM, "/oauth2/token", "my client", SECRET,
				"https://api.x.com", List.of("read", "write"), Map.of("resource", "https://api.x.com/v0"));
		expectToken(credentials);
		// RFC 6749 2.3.1: application/x-www-form-urlencoded id and secret, then id:secret, then Base64
		String encodedPair = "my+client:a%2Bb%2Fc%3A%3D%25";
		String basic = "Basic " + Base64.getEncoder().encodeToString(encodedPair.getBytes(StandardCharsets.US_ASCII));
		this.server.verify(1, postRequestedFor(urlEqualTo("/oauth2/token"))
			.withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
			.withHeader("Accept", equalTo("application/json"))
			.withHeader("Authorization", equalTo(basic))
			.withRequestBody(equalTo("grant_type=client_credentials&audience=https%3A%2F%2Fapi.x.com"
					+ "&scope=read+write&resource=https%3A%2F%2Fapi.x.com%2Fv0")));
		assertOnlyOneRequest();
	}

	@Test
	void requestTokenWhenBasicFormWithoutOptionsThenBodyIsGrantTypeOnly() {
		ClientCredentials credentials = credentials(ProviderProfile.BASIC_FORM, "/oauth2/token", "client", "secret",
				null, List.of(), Map.of());
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/oauth2/token"))
			.withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
			.withHeader("Authorization", equalTo("Basic Y2xpZW50OnNlY3JldA=="))
			.withRequestBody(equalTo("grant_type=client_credentials")));
	}

	@Test
	void requestTokenWhenPostFormThenSendsCredentialsInFormBodyAndNoAuthorization() {
		ClientCredentials credentials = credentials(ProviderProfile.POST_FORM, "/auth/token/", "my client", SECRET,
				"https://fumage-example.canvasmedical.com", List.of("system/Patient.read", "system/Appointment.read"),
				Map.of("tenant", "t 1"));
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/auth/token/"))
			.withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
			.withHeader("Accept", equalTo("application/json"))
			.withHeader("Authorization", absent())
			.withRequestBody(equalTo("grant_type=client_credentials&client_id=my+client"
					+ "&client_secret=a%2Bb%2Fc%3A%3D%25&audience=https%3A%2F%2Ffumage-example.canvasmedical.com"
					+ "&scope=system%2FPatient.read+system%2FAppointment.read&tenant=t+1")));
		assertOnlyOneRequest();
	}

	@Test
	void requestTokenWhenPostFormWithoutOptionsThenSendsTheCataloguedBody() {
		ClientCredentials credentials = credentials(ProviderProfile.POST_FORM, "/auth/token/", "YOUR_CLIENT_ID",
				"YOUR_CLIENT_SECRET", null, List.of(), Map.of());
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/auth/token/")).withRequestBody(equalTo(
				"grant_type=client_credentials&client_id=YOUR_CLIENT_ID&client_secret=YOUR_CLIENT_SECRET")));
	}

	@Test
	void requestTokenWhenCandidJsonThenSendsClientIdAndSecretOnly() {
		ClientCredentials credentials = credentials(ProviderProfile.CANDID_JSON, "/api/auth/v2/token", "my client",
				SECRET, null, List.of(), Map.of());
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/api/auth/v2/token"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withHeader("Accept", equalTo("application/json"))
			.withHeader("Authorization", absent())
			.withRequestBody(equalToJson("""
					{"client_id": "my client", "client_secret": "a+b/c:=%"}
					""")));
		assertOnlyOneRequest();
	}

	@Test
	void requestTokenWhenCandidJsonGivenAudienceScopesAndExtrasThenStillSendsClientIdAndSecretOnly() {
		// start-up validation refuses these; the request builder must not send them either
		ClientCredentials credentials = credentials(ProviderProfile.CANDID_JSON, "/api/auth/v2/token", "id", SECRET,
				"aud", List.of("read"), Map.of("organization", "org_1"));
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/api/auth/v2/token")).withRequestBody(equalToJson("""
				{"client_id": "id", "client_secret": "a+b/c:=%"}
				""")));
	}

	@Test
	void requestTokenWhenAdditionalParametersRepeatAProfileFieldThenTheProfileFieldWins() {
		ClientCredentials credentials = credentials(ProviderProfile.POST_FORM, "/auth/token/", "id", "secret", null,
				List.of(), Map.of("client_id", "other"));
		expectToken(credentials);
		this.server.verify(1, postRequestedFor(urlEqualTo("/auth/token/"))
			.withRequestBody(equalTo("grant_type=client_credentials&client_id=id&client_secret=secret")));
	}

	@Test
	void requestTokenWhenEndpointRedirectsThenRedirectIsNotFollowed() {
		this.server.stubFor(post("/oauth/token").willReturn(aResponse().withStatus(307)
			.withHeader("Location", this.server.baseUrl() + "/elsewhere/oauth/token")));
		this.server.stubFor(post("/elsewhere/oauth/token").willReturn(json(200, TOKEN_RESPONSE)));
		ClientCredentials credentials = credentials(ProviderProfile.AUTH0, "/oauth/token", "id", SECRET, "aud",
				List.of(), Map.of());
		StepVerifier.create(this.client.requestToken(credentials, Duration.ofMinutes(5)))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(TokenEndpointException.class);
				TokenEndpointException failure = (TokenEndpointException) ex;
				assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
				assertThat(failure.getStatus()).isEqualTo(307);
				assertThat(failure.getMessage()).contains("'partner'").contains("307").contains("redirect")
					.doesNotContain(SECRET);
			})
			.verify(Duration.ofSeconds(10));
		this.server.verify(1, postRequestedFor(urlEqualTo("/oauth/token")));
		this.server.verify(0, postRequestedFor(urlEqualTo("/elsewhere/oauth/token")));
	}

	@Test
	void requestTokenWhenResponseIsLargerThanTheCapThenInvalidResponse() {
		this.client = client(1024);
		String padding = "x".repeat(2048);
		this.server.stubFor(post("/oauth2/token").willReturn(json(200,
				"{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"padding\":\"" + padding + "\"}")));
		ClientCredentials credentials = credentials(ProviderProfile.BASIC_FORM, "/oauth2/token", "id", SECRET, null,
				List.of(), Map.of());
		StepVerifier.create(this.client.requestToken(credentials, Duration.ofMinutes(5)))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(TokenEndpointException.class);
				TokenEndpointException failure = (TokenEndpointException) ex;
				assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
				assertThat(failure.getStatus()).isEqualTo(200);
				assertThat(failure.getMessage()).contains("larger than 1024 bytes").doesNotContain("token-1");
			})
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void requestTokenWhenNothingListensThenIoErrorWithoutSecret() {
		int port = this.server.port();
		this.server.stop();
		ClientCredentials credentials = new ClientCredentials("partner", ProviderProfile.POST_FORM,
				URI.create("http://localhost:" + port + "/auth/token/"), "id", SECRET, null, List.of(), Map.of());
		StepVerifier.create(this.client.requestToken(credentials, Duration.ofMinutes(5)))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(TokenEndpointException.class);
				TokenEndpointException failure = (TokenEndpointException) ex;
				assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.IO_ERROR);
				assertThat(failure.getStatus()).isZero();
				assertThat(failure.getMessage()).contains("'partner'").doesNotContain(SECRET);
			})
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void requestTokenWhenNothingListensAtATokenUriWithAQueryThenTheIoErrorOmitsTheQuery() {
		int port = this.server.port();
		this.server.stop();
		ClientCredentials credentials = new ClientCredentials("partner", ProviderProfile.POST_FORM,
				URI.create("http://localhost:" + port + "/auth/token?key=Qk3y-in-the-query&tenant=t1"), "id", SECRET,
				null, List.of(), Map.of());
		StepVerifier.create(this.client.requestToken(credentials, Duration.ofMinutes(5)))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(TokenEndpointException.class);
				assertThat(((TokenEndpointException) ex).getOutcome()).isEqualTo(TokenRequestOutcome.IO_ERROR);
				assertThat(ex.getMessage()).contains("http://localhost:" + port + "/auth/token")
					.doesNotContain("Qk3y-in-the-query")
					.doesNotContain("key=")
					.doesNotContain("tenant");
			})
			.verify(Duration.ofSeconds(10));
	}

	private void expectToken(ClientCredentials credentials) {
		StepVerifier.create(this.client.requestToken(credentials, Duration.ofMinutes(5)))
			.assertNext((token) -> {
				assertThat(token.value()).isEqualTo("token-1");
				assertThat(token.lifetime()).isEqualTo(Duration.ofHours(1));
				assertThat(token.receivedAt()).isEqualTo(this.clock.instant());
			})
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	private void assertOnlyOneRequest() {
		this.server.verify(1, anyRequestedFor(anyUrl()));
	}

	private ClientCredentials credentials(ProviderProfile profile, String path, String clientId, String secret,
			String audience, List<String> scopes, Map<String, String> additionalParameters) {
		return new ClientCredentials("partner", profile, URI.create(this.server.baseUrl() + path), clientId, secret,
				audience, scopes, additionalParameters);
	}

	private TokenEndpointClient client(int maxResponseBytes) {
		HttpClientSettings settings = HttpClientSettings.defaults()
			.withRedirects(HttpRedirects.DONT_FOLLOW)
			.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
		ClientHttpConnector connector = ClientHttpConnectorBuilder.reactor().build(settings);
		return new TokenEndpointClient(connector, this.clock, maxResponseBytes, Duration.ofSeconds(5),
				Duration.ofMinutes(10));
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
