package dev.tokenkeeper.token;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;

import dev.tokenkeeper.test.Jwts;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.ProviderCatalogue;
import dev.tokenkeeper.test.ProviderCatalogue.Response;
import dev.tokenkeeper.token.IssuedToken.LifetimeSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * How token endpoint answers are read, with the responses real providers give (the
 * catalogue in {@code providers/catalogue.json}), served over HTTP and read through
 * {@link TokenEndpointClient}.
 */
class TokenResponseReaderTests {

	private static final String SECRET = "s3cr3t-DO-NOT-PRINT";

	/** Changes in every encoding, and too short for any of them to look token-like. */
	private static final String TRICKY_SECRET = "p\u00e4ss  w\"rd/+&Z";

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(7);

	private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

	private static final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(NOW);

	private TokenEndpointClient client;

	@BeforeAll
	static void startServer() {
		server.start();
	}

	@AfterAll
	static void stopServer() {
		server.stop();
	}

	@BeforeEach
	void setUp() {
		server.resetAll();
		this.client = new TokenEndpointClient(
				ClientHttpConnectorBuilder.reactor()
					.build(HttpClientSettings.defaults()
						.withRedirects(HttpRedirects.DONT_FOLLOW)
						.withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))),
				this.clock, 64 * 1024, Duration.ofSeconds(5), MAX_RETRY_AFTER);
	}

	static Stream<String> catalogueKeys() {
		return ProviderCatalogue.keys().stream();
	}

	/** Every catalogued response ends as documented; a new catalogue entry needs an expectation here. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("catalogueKeys")
	void requestTokenWhenCatalogueResponseThenHandledAsDocumented(String key) {
		Map<String, Object> expectations = Map.ofEntries(Map.entry("auth0/success", Duration.ofSeconds(3600)),
				Map.entry("auth0/success_without_expires_in_betterpt", Duration.ofSeconds(86400)),
				Map.entry("auth0/wrong_secret", TokenRequestOutcome.CLIENT_ERROR),
				Map.entry("auth0/no_client_grant_for_audience", TokenRequestOutcome.CLIENT_ERROR),
				Map.entry("auth0/rate_limited", TokenRequestOutcome.RATE_LIMITED),
				Map.entry("auth0/rate_limited_as_500", TokenRequestOutcome.RATE_LIMITED),
				Map.entry("basic-form/success_pokitdok", Duration.ofSeconds(3600)),
				Map.entry("basic-form/invalid_client", TokenRequestOutcome.CLIENT_ERROR),
				Map.entry("post-form/success_canvas", Duration.ofSeconds(36000)),
				Map.entry("post-form/invalid_client", TokenRequestOutcome.CLIENT_ERROR),
				Map.entry("candid-json/success", Duration.ofSeconds(18000)),
				Map.entry("candid-json/success_with_type", Duration.ofSeconds(18000)),
				Map.entry("candid-json/too_many_requests", TokenRequestOutcome.RATE_LIMITED),
				Map.entry("candid-json/unsupported_content_type", TokenRequestOutcome.CLIENT_ERROR),
				Map.entry("quirks_seen_in_the_wild/expires_in_as_string", Duration.ofSeconds(3599)),
				Map.entry("quirks_seen_in_the_wild/token_type_missing", Duration.ofSeconds(3600)),
				Map.entry("quirks_seen_in_the_wild/token_type_lowercase", Duration.ofSeconds(3600)),
				Map.entry("quirks_seen_in_the_wild/keycloak_extras", Duration.ofSeconds(300)),
				Map.entry("quirks_seen_in_the_wild/unsupported_token_type", TokenRequestOutcome.INVALID_RESPONSE),
				Map.entry("quirks_seen_in_the_wild/no_access_token", TokenRequestOutcome.INVALID_RESPONSE),
				Map.entry("quirks_seen_in_the_wild/html_error_page", TokenRequestOutcome.SERVER_ERROR));
		Object expected = expectations.get(key);
		if (expected == null) {
			fail("No expectation for catalogue response " + key);
		}
		Response response = catalogued(key);
		if (expected instanceof Duration lifetime) {
			assertThat(issued(response).lifetime()).isEqualTo(lifetime);
		}
		else {
			TokenEndpointException failure = failure(response);
			assertThat(failure.getOutcome()).isEqualTo(expected);
			assertThat(failure.getStatus()).isEqualTo(response.status());
		}
	}

	@Test
	void requestTokenWhenAuth0SuccessThenLifetimeFromExpiresInAndGrantedScopes() {
		Response response = ProviderCatalogue.response("auth0", "success");
		IssuedToken token = issued(response);
		assertThat(token.value()).startsWith("eyJhbGciOiJSUzI1NiIs");
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(3600));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.EXPIRES_IN);
		assertThat(token.receivedAt()).isEqualTo(NOW);
		assertThat(token.scopes()).containsExactlyInAnyOrder("venue:read", "venue-booking:create");
	}

	@Test
	void requestTokenWhenTokenTypeIsLowercaseBearerThenAccepted() {
		IssuedToken token = issued(ok(ProviderCatalogue.quirk("token_type_lowercase")));
		assertThat(token.value()).isEqualTo("abc");
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(3600));
	}

	@Test
	void requestTokenWhenTokenTypeIsMissingThenTreatedAsBearer() {
		IssuedToken token = issued(ok(ProviderCatalogue.quirk("token_type_missing")));
		assertThat(token.value()).isEqualTo("abc");
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(3600));
	}

	@Test
	void requestTokenWhenCandidAnswersWithoutTokenTypeThenTreatedAsBearer() {
		IssuedToken token = issued(ProviderCatalogue.response("candid-json", "success"));
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(18000));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.EXPIRES_IN);
	}

	@Test
	void requestTokenWhenExpiresInIsANumericStringThenItIsTheLifetime() {
		IssuedToken token = issued(ok(ProviderCatalogue.quirk("expires_in_as_string")));
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(3599));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.EXPIRES_IN);
	}

	@Test
	void requestTokenWhenBetterPtSampleHasNoExpiresInThenLifetimeIsExpMinusIatAlthoughExpIsPast() {
		IssuedToken token = issued(ProviderCatalogue.response("auth0", "success_without_expires_in_betterpt"));
		// iat 1586801672, exp 1586888072: years before NOW, but lifetimes count from receipt
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(86400));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.JWT_EXP);
		assertThat(token.receivedAt()).isEqualTo(NOW);
	}

	@Test
	void requestTokenWhenJwtHasOnlyExpThenLifetimeIsExpMinusNowByTheClock() {
		this.clock.advance(Duration.ofDays(3));
		long exp = this.clock.instant().getEpochSecond() + 900;
		IssuedToken token = issued(ok("{\"access_token\":\"" + Jwts.jwt("{\"sub\":\"c\",\"exp\":" + exp + "}")
				+ "\",\"token_type\":\"Bearer\"}"));
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(900));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.JWT_EXP);
	}

	@Test
	void requestTokenWhenJwtHasOnlyAPastExpThenDefaultLifetime() {
		long exp = NOW.getEpochSecond() - 60;
		IssuedToken token = issued(ok("{\"access_token\":\"" + Jwts.jwt("{\"exp\":" + exp + "}")
				+ "\",\"token_type\":\"Bearer\"}"));
		assertThat(token.lifetime()).isEqualTo(DEFAULT_LIFETIME);
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.DEFAULT);
	}

	@Test
	void requestTokenWhenNeitherExpiresInNorJwtExpThenDefaultLifetime() {
		IssuedToken token = issued(ok("{\"access_token\":\"opaque-token\",\"token_type\":\"Bearer\"}"));
		assertThat(token.value()).isEqualTo("opaque-token");
		assertThat(token.lifetime()).isEqualTo(DEFAULT_LIFETIME);
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.DEFAULT);
	}

	@Test
	void requestTokenWhenExpiresInIsZeroThenJwtExpGivesTheLifetime() {
		long iat = NOW.getEpochSecond();
		IssuedToken token = issued(ok("{\"access_token\":\"" + Jwts.jwt("{\"iat\":" + iat + ",\"exp\":" + (iat + 1200)
				+ "}") + "\",\"token_type\":\"Bearer\",\"expires_in\":0}"));
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(1200));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.JWT_EXP);
	}

	@Test
	void requestTokenWhenKeycloakExtrasThenIgnored() {
		IssuedToken token = issued(ok(ProviderCatalogue.quirk("keycloak_extras")));
		assertThat(token.value()).isEqualTo("abc");
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(300));
		assertThat(token.scopes()).containsExactlyInAnyOrder("profile", "email");
	}

	@Test
	void requestTokenWhenPokitDokSendsAnAbsoluteExpiresFieldThenExpiresInWins() {
		// "expires": 1429041836 is in 2015; read as the lifetime it would make the token unusable
		IssuedToken token = issued(ProviderCatalogue.response("basic-form", "success_pokitdok"));
		assertThat(token.value()).isEqualTo("s8KYRJGTO0rWMy0zz1CCSCwsSesDyDlbNdZoRqVR");
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(3600));
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.EXPIRES_IN);
	}

	@Test
	void requestTokenWhenTokenTypeIsDpopThenRejectedWithAClearMessage() {
		TokenEndpointException failure = failure(ok(ProviderCatalogue.quirk("unsupported_token_type")));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertThat(failure.getStatus()).isEqualTo(200);
		assertThat(failure.getMessage()).contains("'partner'").contains("token_type 'DPoP'").contains("only Bearer");
		assertThat(failure.getMessage()).doesNotContain("abc");
	}

	@Test
	void requestTokenWhenAccessTokenIsMissingThenRejected() {
		TokenEndpointException failure = failure(ok(ProviderCatalogue.quirk("no_access_token")));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertThat(failure.getMessage()).contains("no access_token");
	}

	@Test
	void requestTokenWhenSuccessBodyIsNotJsonThenInvalidResponse() {
		TokenEndpointException failure = failure(new Response("html", 200, Map.of("Content-Type", "text/html"),
				"<html><body>Login</body></html>"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertThat(failure.getMessage()).contains("not a JSON object")
			.contains("31 bytes of text/html")
			.doesNotContain("Login")
			.doesNotContain("<");
	}

	@Test
	void requestTokenWhenSuccessBodyIsAShortPlainTextTokenThenOnlySizeAndContentTypeAreReported() {
		// django-oauth-toolkit (Canvas) tokens are 30 characters: too short to look token-like
		String token = "Wp8u0Pj3xZkLQ2n7Vc5rTb1yHs4Ga6";
		TokenEndpointException failure = failure(
				new Response("plain", 200, Map.of("Content-Type", "text/plain; charset=utf-8"), token));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertThat(failure.getMessage()).contains("not a JSON object (30 bytes of text/plain)").doesNotContain(token);
		assertThat(failure.getError().getDescription()).doesNotContain(token);
	}

	@Test
	void requestTokenWhenSuccessBodyIsEmptyThenSaysSo() {
		TokenEndpointException failure = failure(new Response("empty", 200, Map.of("Content-Type", "text/plain"), ""));
		assertThat(failure.getMessage()).contains("not a JSON object (empty body)");
	}

	static Stream<Arguments> echoedSecrets() {
		String formEncoded = URLEncoder.encode(TRICKY_SECRET, StandardCharsets.UTF_8);
		String half = TRICKY_SECRET.substring(0, 3);
		return Stream.of(arguments("as configured, holding two spaces", "<p>client_secret=" + TRICKY_SECRET + "</p>"),
				arguments("form-encoded", "client_id=client&client_secret=" + formEncoded + "&grant_type=x"),
				arguments("form-encoded, lower-case hex", "client_secret=" + formEncoded.toLowerCase(Locale.ROOT)),
				arguments("form-encoded with %20", "client_secret=" + formEncoded.replace("+", "%20")),
				arguments("JSON-escaped", "received {\"client_secret\":\"" + jsonEscaped(TRICKY_SECRET) + "\""),
				arguments("JSON-escaped with \\u", "received {\"client_secret\":\""
						+ jsonEscaped(TRICKY_SECRET).replace("\u00e4", "\\u00e4") + "\""),
				arguments("Base64", "secret " + base64(TRICKY_SECRET) + " rejected"),
				arguments("Base64 inside the Basic pair", "Authorization: Basic "
						+ base64("client:" + formEncoded) + " rejected"),
				arguments("split by a line break", "<p>client_secret=" + half + "\n   "
						+ TRICKY_SECRET.substring(3) + "</p>"),
				arguments("split by markup", "<p>client_secret=" + half + "<br>" + TRICKY_SECRET.substring(3) + "</p>"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("echoedSecrets")
	void requestTokenWhenErrorBodyEchoesTheSecretInAnyFormThenNoPartOfItIsReported(String form, String body) {
		server.resetAll();
		server.stubFor(post("/token").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "text/html")
			.withBody(body)));
		ClientCredentials credentials = new ClientCredentials("partner", ProviderProfile.POST_FORM,
				URI.create(server.baseUrl() + "/token"), "client", TRICKY_SECRET, null, List.of(), Map.of());
		TokenEndpointException failure = catchThrowableOfType(TokenEndpointException.class,
				() -> this.client.requestToken(credentials, DEFAULT_LIFETIME).block(Duration.ofSeconds(10)));
		assertThat(failure).isNotNull();
		String formEncoded = URLEncoder.encode(TRICKY_SECRET, StandardCharsets.UTF_8);
		assertThat(failure.getMessage()).contains("[redacted]")
			.doesNotContain("p\u00e4s")
			.doesNotContain("ss w")
			.doesNotContain("rd/+&Z")
			.doesNotContainIgnoringCase(formEncoded.substring(0, 8))
			.doesNotContain(base64(TRICKY_SECRET).substring(0, 12))
			.doesNotContain(base64("client:" + formEncoded).substring(12, 24));
	}

	static Stream<Arguments> invalidAccessTokens() {
		return Stream.of(arguments("a line feed", "abc\nX-Injected: 1"), arguments("a carriage return", "abc\rdef"),
				arguments("a space", "abc def"), arguments("a tab", "abc\tdef"),
				arguments("a non-ASCII letter", "abc\u00e9def"), arguments("a quote", "abc\"def"),
				arguments("a comma", "abc,def"), arguments("a semicolon", "abc;def"),
				arguments("padding in the middle", "abc=def"), arguments("only padding", "=="),
				arguments("a NUL", "abc\u0000def"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidAccessTokens")
	void requestTokenWhenAccessTokenIsNotAB64TokenThenInvalidResponseWithoutTheValue(String what, String value) {
		TokenEndpointException failure = failure(ok("{\"access_token\":\"" + jsonEscaped(value)
				+ "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertThat(failure.getMessage()).contains("not an RFC 6750 b64token").doesNotContain("abc").doesNotContain("def");
	}

	@Test
	void requestTokenWhenAccessTokenUsesEveryB64TokenCharacterThenAccepted() {
		String value = "AZaz09-._~+/xyz==";
		assertThat(issued(ok("{\"access_token\":\"" + value + "\",\"expires_in\":3600}")).value()).isEqualTo(value);
	}

	@Test
	void requestTokenWhenAuth0RejectsTheSecretThenErrorAndDescriptionAreReported() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("auth0", "wrong_secret"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.CLIENT_ERROR);
		assertThat(failure.getStatus()).isEqualTo(401);
		assertThat(failure.getClientRegistrationId()).isEqualTo("partner");
		assertThat(failure.getError().getErrorCode()).isEqualTo("access_denied");
		assertThat(failure.getError().getDescription()).isEqualTo("Unauthorized");
		assertThat(failure.getMessage()).isEqualTo(
				"Token request for registration 'partner' failed (client_error, HTTP 401): access_denied - Unauthorized");
		assertThat(failure.getOutcome().isRetryable()).isFalse();
	}

	@Test
	void requestTokenWhenAuth0HasNoClientGrantThenTheWholeDescriptionIsReported() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("auth0", "no_client_grant_for_audience"));
		String description = "Client is not authorized to access \"https://audience.env/auth\". "
				+ "You need to create a \"client-grant\" associated to this API.";
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.CLIENT_ERROR);
		assertThat(failure.getStatus()).isEqualTo(403);
		assertThat(failure.getError().getErrorCode()).isEqualTo("access_denied");
		assertThat(failure.getError().getDescription()).isEqualTo(description);
		assertThat(failure.getMessage()).contains("HTTP 403").contains("access_denied - " + description);
	}

	@Test
	void requestTokenWhenAuth0NamesARealisticAudienceThenItStaysReadableButAnEchoedTokenDoesNot() {
		String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGllbnRAY2xpZW50cyJ9.c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
		TokenEndpointException failure = failure(new Response("audience", 403, Map.of("Content-Type", "application/json"),
				"{\"error\":\"access_denied\",\"error_description\":\"Client is not authorized to access "
						+ "\\\"https://api-staging-k8s.betterpt.com/v0\\\" with " + jwt + "\"}"));
		assertThat(failure.getError().getDescription())
			.contains("\"https://api-staging-k8s.betterpt.com/v0\"")
			.doesNotContain(jwt)
			.contains("[redacted]");
	}

	@Test
	void requestTokenWhenErrorDescriptionIsHugeThenItIsShortened() {
		String huge = "The request is invalid. ".repeat(200);
		TokenEndpointException failure = failure(new Response("huge", 400, Map.of("Content-Type", "application/json"),
				"{\"error\":\"invalid_request\",\"error_description\":\"" + huge + "\"}"));
		assertThat(failure.getError().getDescription()).startsWith("The request is invalid.").hasSizeLessThan(500);
		assertThat(failure.getMessage()).hasSizeLessThan(600);
	}

	@Test
	void requestTokenWhenBasicFormClientIsInvalidThenErrorWithoutDescription() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("basic-form", "invalid_client"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.CLIENT_ERROR);
		assertThat(failure.getStatus()).isEqualTo(401);
		assertThat(failure.getError().getErrorCode()).isEqualTo("invalid_client");
		assertThat(failure.getError().getDescription()).isNull();
		assertThat(failure.getMessage()).endsWith("(client_error, HTTP 401): invalid_client");
	}

	@Test
	void requestTokenWhenAuth0RateLimitsWithResetHeaderThenRateLimitedUntilTheReset() {
		long reset = NOW.getEpochSecond() + 42;
		TokenEndpointException failure = failure(ProviderCatalogue.response("auth0", "rate_limited")
			.withHeader("x-ratelimit-reset", Long.toString(reset)));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.RATE_LIMITED);
		assertThat(failure.getStatus()).isEqualTo(429);
		assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofSeconds(42));
		assertThat(failure.getError().getErrorCode()).isEqualTo("too_many_requests");
		assertThat(failure.getMessage()).contains("Global limit has been reached");
	}

	@Test
	void requestTokenWhenAuth0ReportsItsRateLimitAs500ThenRateLimited() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("auth0", "rate_limited_as_500"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.RATE_LIMITED);
		assertThat(failure.getStatus()).isEqualTo(500);
		assertThat(failure.getMessage()).contains("HTTP 500").contains("access_denied - Global limit has been reached");
	}

	@Test
	void requestTokenWhenPlain500ThenServerErrorThatIsRetried() {
		TokenEndpointException failure = failure(new Response("500", 500, Map.of("Content-Type", "application/json"),
				"{\"error\":\"server_error\",\"error_description\":\"Internal error\"}"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.SERVER_ERROR);
		assertThat(failure.getOutcome().isRetryable()).isTrue();
	}

	@Test
	void requestTokenWhenCandidRateLimitsThenRateLimitedWithItsMessage() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("candid-json", "too_many_requests"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.RATE_LIMITED);
		assertThat(failure.getStatus()).isEqualTo(429);
		assertThat(failure.getError().getErrorCode()).isEqualTo("TooManyRequestsError");
		assertThat(failure.getError().getDescription()).isEqualTo("Too many requests");
		assertThat(failure.getMessage()).contains("TooManyRequestsError - Too many requests");
		assertThat(failure.getRetryAfter()).isNull();
	}

	@Test
	void requestTokenWhenCandidRefusesTheContentTypeThenClientErrorWithItsMessage() {
		TokenEndpointException failure = failure(
				ProviderCatalogue.response("candid-json", "unsupported_content_type"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.CLIENT_ERROR);
		assertThat(failure.getStatus()).isEqualTo(415);
		assertThat(failure.getMessage()).contains("InvalidContentTypeError - Unsupported content type");
	}

	@Test
	void requestTokenWhenHtmlErrorPageThenShortExcerptWithoutTags() {
		TokenEndpointException failure = failure(new Response("html", 502, Map.of("Content-Type", "text/html"),
				ProviderCatalogue.quirk("html_error_page")));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.SERVER_ERROR);
		assertThat(failure.getStatus()).isEqualTo(502);
		assertThat(failure.getMessage()).contains("502 Bad Gateway").doesNotContain("<").doesNotContain(">");
	}

	@Test
	void requestTokenWhenHtmlErrorPageIsLongThenExcerptIsShort() {
		String page = "<html><head><style>body{color:red}</style></head><body><h1>Service Unavailable</h1><p>"
				+ "The server is temporarily unable to service your request. ".repeat(100) + "</p></body></html>";
		TokenEndpointException failure = failure(new Response("html", 503, Map.of("Content-Type", "text/html"), page));
		assertThat(failure.getMessage()).contains("Service Unavailable").doesNotContain("<");
		assertThat(failure.getMessage()).hasSizeLessThan(300);
	}

	@Test
	void requestTokenWhenRetryAfterIsInSecondsThenRateLimitedForThatLong() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("candid-json", "too_many_requests")
			.withHeader("Retry-After", "120"));
		assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofSeconds(120));
	}

	@Test
	void requestTokenWhenRetryAfterIsAnHttpDateThenRateLimitedUntilThen() {
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atZone(ZoneOffset.UTC));
		TokenEndpointException failure = failure(ProviderCatalogue.response("candid-json", "too_many_requests")
			.withHeader("Retry-After", date));
		assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofSeconds(90));
	}

	@Test
	void requestTokenWhenRetryAfterIsAnHttpDateInThePastThenNoWait() {
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(90).atZone(ZoneOffset.UTC));
		TokenEndpointException failure = failure(ProviderCatalogue.response("candid-json", "too_many_requests")
			.withHeader("Retry-After", date));
		assertThat(failure.getRetryAfter()).isEqualTo(Duration.ZERO);
	}

	@Test
	void requestTokenWhenRetryAfterIsLongerThanTheMaximumThenCapped() {
		TokenEndpointException failure = failure(ProviderCatalogue.response("candid-json", "too_many_requests")
			.withHeader("Retry-After", "86400"));
		assertThat(failure.getRetryAfter()).isEqualTo(MAX_RETRY_AFTER);
	}

	@Test
	void requestTokenWhenProviderEchoesTheSecretInItsErrorThenTheSecretIsRedacted() {
		TokenEndpointException failure = failure(new Response("echo", 401, Map.of("Content-Type", "application/json"),
				"{\"error\":\"invalid_client\",\"error_description\":\"client_secret " + SECRET + " is wrong\"}"));
		assertThat(failure.getError().getErrorCode()).isEqualTo("invalid_client");
		assertThat(failure.getMessage()).contains("client_secret").contains("is wrong");
		assertNoSecret(failure);
	}

	@Test
	void requestTokenWhenHtmlPageEchoesTheSecretThenTheSecretIsRedacted() {
		TokenEndpointException failure = failure(new Response("echo", 400, Map.of("Content-Type", "text/html"),
				"<html><body><p>Bad request: client_secret=" + SECRET + "</p></body></html>"));
		assertThat(failure.getMessage()).contains("Bad request");
		assertNoSecret(failure);
	}

	@Test
	void requestTokenWhenTokenTypeEchoesTheSecretThenTheSecretIsRedacted() {
		TokenEndpointException failure = failure(
				ok("{\"access_token\":\"abc\",\"token_type\":\"" + SECRET + "\",\"expires_in\":3600}"));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertNoSecret(failure);
	}

	@Test
	void requestTokenWhenAnyCatalogueResponseFailsThenMessagesNeverContainTheSecret() {
		for (String key : ProviderCatalogue.keys()) {
			Response response = catalogued(key);
			server.resetAll();
			serve(response);
			Throwable result = catchThrowableOfType(Throwable.class,
					() -> this.client.requestToken(credentials(), DEFAULT_LIFETIME).block(Duration.ofSeconds(10)));
			if (result != null) {
				assertNoSecret(result);
			}
		}
	}

	/** A catalogue response by key; quirks are 200 bodies, except the HTML error page (a 502). */
	private static Response catalogued(String key) {
		String[] parts = key.split("/", 2);
		if (!parts[0].equals("quirks_seen_in_the_wild")) {
			Response response = ProviderCatalogue.response(parts[0], parts[1]);
			// the catalogue documents the header, not a value
			return response.headers().containsKey("x-ratelimit-reset")
					? response.withHeader("x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 10)) : response;
		}
		if (parts[1].equals("html_error_page")) {
			return new Response(key, 502, Map.of("Content-Type", "text/html"), ProviderCatalogue.quirk(parts[1]));
		}
		return ok(ProviderCatalogue.quirk(parts[1]));
	}

	private static Response ok(String body) {
		return new Response("ok", 200, Map.of("Content-Type", "application/json"), body);
	}

	private IssuedToken issued(Response response) {
		serve(response);
		IssuedToken token = this.client.requestToken(credentials(), DEFAULT_LIFETIME).block(Duration.ofSeconds(10));
		assertThat(token).isNotNull();
		assertThat(token.toString()).doesNotContain(token.value());
		return token;
	}

	private TokenEndpointException failure(Response response) {
		serve(response);
		TokenEndpointException failure = catchThrowableOfType(TokenEndpointException.class,
				() -> this.client.requestToken(credentials(), DEFAULT_LIFETIME).block(Duration.ofSeconds(10)));
		assertThat(failure).as("a TokenEndpointException for %s", response.key()).isNotNull();
		assertNoSecret(failure);
		return failure;
	}

	private static String jsonEscaped(String value) {
		StringBuilder json = new StringBuilder();
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> json.append((c < 0x20) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
			}
		}
		return json.toString();
	}

	private static String base64(String value) {
		return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
	}

	private static void serve(Response response) {
		ResponseDefinitionBuilder answer = aResponse().withStatus(response.status()).withBody(response.body());
		response.headers().forEach(answer::withHeader);
		if (!response.headers().containsKey("Content-Type")) {
			answer.withHeader("Content-Type", "application/json");
		}
		server.stubFor(post("/token").willReturn(answer));
	}

	private static ClientCredentials credentials() {
		return new ClientCredentials("partner", ProviderProfile.POST_FORM, URI.create(server.baseUrl() + "/token"),
				"client", SECRET, null, List.of(), Map.of());
	}

	private static void assertNoSecret(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			assertThat(String.valueOf(ex.getMessage())).doesNotContain(SECRET);
			assertThat(ex.toString()).doesNotContain(SECRET);
			if (ex instanceof TokenEndpointException endpoint) {
				assertThat(String.valueOf(endpoint.getError().getDescription())).doesNotContain(SECRET);
				assertThat(endpoint.getError().getErrorCode()).doesNotContain(SECRET);
			}
		}
	}

}
