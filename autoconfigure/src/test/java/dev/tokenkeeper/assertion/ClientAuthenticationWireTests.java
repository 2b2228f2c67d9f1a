package dev.tokenkeeper.assertion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.FormBodies;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.SelfSignedCertificate;
import dev.tokenkeeper.test.TestKeys;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code client-authentication} puts on the wire, per profile, and the JWT assertions
 * decoded: header, claims, a fresh {@code jti} per token request, never a secret.
 */
class ClientAuthenticationWireTests {

	private static final String SECRET = "a-client-secret-of-at-least-32-bytes!";

	private static final KeyPair RSA = TestKeys.rsa(2048);

	private static final KeyPair EC_384 = TestKeys.ec("secp384r1");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00.750Z"));

	@TempDir
	Path directory;

	private Path rsaKey;

	private Path ecKey;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(post(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.rsaKey = TestKeys.write(this.directory.resolve("rsa.pem"), TestKeys.pkcs8(RSA));
		this.ecKey = TestKeys.write(this.directory.resolve("ec.pem"), TestKeys.pkcs8(EC_384));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void tokenWhenPostFormWithClientSecretBasicThenBasicHeaderAndNoSecretInBody() {
		run(registration("partner", "post-form", "client-secret-basic"), (tokens) -> {
			LoggedRequest request = onlyRequest();
			assertThat(request.getHeader("Authorization")).startsWith("Basic ");
			assertThat(FormBodies.fields(request)).containsExactly(Map.entry("grant_type", "client_credentials"));
		});
	}

	@Test
	void tokenWhenBasicFormWithClientSecretPostThenCredentialsInBody() {
		run(registration("partner", "basic-form", "client-secret-post"), (tokens) -> {
			LoggedRequest request = onlyRequest();
			assertThat(request.containsHeader("Authorization")).isFalse();
			assertThat(FormBodies.fields(request)).containsExactly(Map.entry("grant_type", "client_credentials"),
					Map.entry("client_id", "partner-client"), Map.entry("client_secret", SECRET));
		});
	}

	@Test
	void tokenWhenPrivateKeyJwtThenAssertionInPlaceOfTheSecret() throws Exception {
		String[] properties = with(registration("partner", "post-form", "private-key-jwt"),
				"tokenkeeper.clients.partner.jwt.signing-key=file:" + this.rsaKey,
				"tokenkeeper.clients.partner.scopes=read");
		run(properties, (tokens) -> {
			LoggedRequest request = onlyRequest();
			assertThat(request.containsHeader("Authorization")).isFalse();
			Map<String, String> form = FormBodies.fields(request);
			assertThat(form.keySet()).containsExactly("grant_type", "client_id", "client_assertion_type",
					"client_assertion", "scope");
			assertThat(form).containsEntry("client_id", "partner-client")
				.containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
			assertThat(request.getBodyAsString()).doesNotContain(SECRET).doesNotContain("client_secret");
			SignedJWT assertion = verified(form.get("client_assertion"), new RSASSAVerifier((RSAPublicKey) RSA.getPublic()));
			assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
			assertThat(assertion.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
			assertThat(assertion.getHeader().getKeyID())
				.isEqualTo(TestKeys.thumbprint(RSA));
			assertClaims(assertion, "partner-client", this.server.baseUrl() + "/token", Duration.ofMinutes(1));
		});
	}

	@Test
	void tokenWhenPrivateKeyJwtWithAudienceLifetimeKeyIdAndAlgorithmThenThoseAreUsed() {
		String[] properties = with(registration("partner", "basic-form", "private-key-jwt"),
				"tokenkeeper.clients.partner.jwt.signing-key=file:" + this.rsaKey,
				"tokenkeeper.clients.partner.jwt.audience=https://idp.example.com/oauth2/token",
				"tokenkeeper.clients.partner.jwt.lifetime=3m", "tokenkeeper.clients.partner.jwt.key-id=partner-2026",
				"tokenkeeper.clients.partner.jwt.algorithm=PS256");
		run(properties, (tokens) -> {
			SignedJWT assertion = verified(FormBodies.fields(onlyRequest()).get("client_assertion"),
					new RSASSAVerifier((RSAPublicKey) RSA.getPublic()));
			assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
			assertThat(assertion.getHeader().getKeyID()).isEqualTo("partner-2026");
			assertClaims(assertion, "partner-client", "https://idp.example.com/oauth2/token", Duration.ofMinutes(3));
		});
	}

	@Test
	void tokenWhenAuth0WithPrivateKeyJwtThenAssertionAsJsonMembers() throws Exception {
		String[] properties = with(registration("partner", "auth0", "private-key-jwt"),
				"tokenkeeper.clients.partner.jwt.signing-key=file:" + this.ecKey,
				"tokenkeeper.clients.partner.audience=https://api.example.com");
		run(properties, (tokens) -> {
			LoggedRequest request = onlyRequest();
			assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
			JsonNode body = JSON.readTree(request.getBodyAsString());
			assertThat(body.propertyNames()).containsExactlyInAnyOrder("grant_type", "client_id",
					"client_assertion_type", "client_assertion", "audience");
			assertThat(body.path("client_assertion_type").asString())
				.isEqualTo("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
			SignedJWT assertion = verified(body.path("client_assertion").asString(),
					new ECDSAVerifier((ECPublicKey) EC_384.getPublic()));
			assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
			assertClaims(assertion, "partner-client", this.server.baseUrl() + "/token", Duration.ofMinutes(1));
		});
	}

	@Test
	void tokenWhenClientSecretJwtThenHs256OverTheSecretWithoutKeyIdAndNoSecretSent() {
		run(registration("partner", "post-form", "client-secret-jwt"), (tokens) -> {
			LoggedRequest request = onlyRequest();
			Map<String, String> form = FormBodies.fields(request);
			assertThat(form.keySet()).containsExactly("grant_type", "client_id", "client_assertion_type",
					"client_assertion");
			assertThat(request.getBodyAsString()).doesNotContain(SECRET);
			assertThat(request.containsHeader("Authorization")).isFalse();
			SignedJWT assertion = verified(form.get("client_assertion"),
					new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)));
			assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
			assertThat(assertion.getHeader().getKeyID()).isNull();
			assertClaims(assertion, "partner-client", this.server.baseUrl() + "/token", Duration.ofMinutes(1));
		});
	}

	@Test
	void tokenWhenSmartBackendThenExactlyFourFieldsAndRs384() {
		String[] properties = { "tokenkeeper.clients.epic.profile=smart-backend",
				"tokenkeeper.clients.epic.token-uri=" + this.server.baseUrl() + "/token",
				"tokenkeeper.clients.epic.client-id=epic-client",
				"tokenkeeper.clients.epic.scopes=system/Patient.rs,system/Observation.rs",
				"tokenkeeper.clients.epic.jwt.signing-key=file:" + this.rsaKey };
		WebClientContexts.runner(this.clock).withPropertyValues(properties).run((context) -> {
			context.getBean(TokenCache.class).token("epic").block(Duration.ofSeconds(10));
			Map<String, String> form = FormBodies.fields(onlyRequest());
			assertThat(form.keySet()).containsExactlyInAnyOrder("grant_type", "scope", "client_assertion_type",
					"client_assertion");
			assertThat(form).containsEntry("scope", "system/Patient.rs system/Observation.rs");
			SignedJWT assertion = verified(form.get("client_assertion"),
					new RSASSAVerifier((RSAPublicKey) RSA.getPublic()));
			assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
			assertClaims(assertion, "epic-client", this.server.baseUrl() + "/token", Duration.ofMinutes(1));
		});
	}

	@Test
	void tokenWhenSmartBackendWithP384KeyThenEs384() {
		String[] properties = { "tokenkeeper.clients.epic.profile=smart-backend",
				"tokenkeeper.clients.epic.token-uri=" + this.server.baseUrl() + "/token",
				"tokenkeeper.clients.epic.client-id=epic-client", "tokenkeeper.clients.epic.scopes=system/Patient.rs",
				"tokenkeeper.clients.epic.jwt.signing-key=file:" + this.ecKey };
		WebClientContexts.runner(this.clock).withPropertyValues(properties).run((context) -> {
			context.getBean(TokenCache.class).token("epic").block(Duration.ofSeconds(10));
			SignedJWT assertion = verified(FormBodies.fields(onlyRequest()).get("client_assertion"),
					new ECDSAVerifier((ECPublicKey) EC_384.getPublic()));
			assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
		});
	}

	@Test
	void tokenWhenRequestedHundredTimesThenHundredDistinctJtisOfAtLeast128Bits() {
		String[] properties = with(registration("partner", "post-form", "private-key-jwt"),
				"tokenkeeper.clients.partner.jwt.signing-key=file:" + this.rsaKey);
		run(properties, (tokens) -> {
			for (int i = 1; i < 100; i++) {
				tokens.evict("partner");
				this.clock.advance(Duration.ofMillis(10));
				tokens.token("partner").block(Duration.ofSeconds(10));
			}
			List<LoggedRequest> requests = this.server.findAll(postRequestedFor(urlEqualTo("/token")));
			assertThat(requests).hasSize(100);
			Set<String> jtis = new HashSet<>();
			for (LoggedRequest request : requests) {
				String jti = SignedJWT.parse(FormBodies.fields(request).get("client_assertion")).getJWTClaimsSet().getJWTID();
				assertThat(java.util.Base64.getUrlDecoder().decode(jti).length * 8).isGreaterThanOrEqualTo(128);
				jtis.add(jti);
			}
			assertThat(jtis).hasSize(100);
		});
	}

	@Test
	void tokenWhenTlsClientAuthThenClientIdAndNoSecret() {
		SelfSignedCertificate certificate = SelfSignedCertificate.generate(this.directory);
		// plain http here, so the bundle's certificate goes unused: this shows the form only; TLS
		// itself is tested against the authorization server
		String[] properties = { "tokenkeeper.clients.partner.profile=post-form",
				"tokenkeeper.clients.partner.client-authentication=tls-client-auth",
				"tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/token",
				"tokenkeeper.clients.partner.client-id=partner-client", "tokenkeeper.clients.partner.ssl-bundle=client",
				"spring.ssl.bundle.jks.client.keystore.location=file:" + certificate.keyStore(),
				"spring.ssl.bundle.jks.client.keystore.password=" + certificate.password(),
				"spring.ssl.bundle.jks.client.keystore.type=PKCS12" };
		WebClientContexts.runner(this.clock)
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(TokenCache.class).token("partner").block(Duration.ofSeconds(10));
				LoggedRequest request = onlyRequest();
				assertThat(FormBodies.fields(request)).containsExactly(Map.entry("grant_type", "client_credentials"),
						Map.entry("client_id", "partner-client"));
				assertThat(request.containsHeader("Authorization")).isFalse();
			});
	}

	private void run(String[] properties, ThrowingTokens test) {
		ApplicationContextRunner runner = WebClientContexts.runner(this.clock).withPropertyValues(properties);
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			TokenCache tokens = context.getBean(TokenCache.class);
			tokens.token("partner").block(Duration.ofSeconds(10));
			test.run(tokens);
		});
	}

	private String[] registration(String id, String profile, String method) {
		String prefix = "tokenkeeper.clients." + id + ".";
		return new String[] { prefix + "profile=" + profile, prefix + "client-authentication=" + method,
				prefix + "token-uri=" + this.server.baseUrl() + "/token", prefix + "client-id=" + id + "-client",
				prefix + "client-secret=" + SECRET };
	}

	private static String[] with(String[] properties, String... more) {
		String[] all = Arrays.copyOf(properties, properties.length + more.length);
		System.arraycopy(more, 0, all, properties.length, more.length);
		// the JWT registrations here need no secret: leave it out, as a user would
		return Arrays.stream(all).filter((property) -> !property.contains(".client-secret=")).toArray(String[]::new);
	}

	private LoggedRequest onlyRequest() {
		List<LoggedRequest> requests = this.server.findAll(postRequestedFor(anyUrl()));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	private static SignedJWT verified(String assertion, JWSVerifier verifier) throws Exception {
		SignedJWT jwt = SignedJWT.parse(assertion);
		assertThat(jwt.verify(verifier)).as("signature").isTrue();
		return jwt;
	}

	private void assertClaims(SignedJWT assertion, String clientId, String audience, Duration lifetime)
			throws Exception {
		JWTClaimsSet claims = assertion.getJWTClaimsSet();
		assertThat(claims.getIssuer()).isEqualTo(clientId);
		assertThat(claims.getSubject()).isEqualTo(clientId);
		// one string on the wire, not an array
		Map<String, Object> payload = assertion.getPayload().toJSONObject();
		assertThat(payload.get("aud")).isEqualTo(audience);
		assertThat(claims.getJWTID()).isNotBlank();
		Instant issuedAt = claims.getIssueTime().toInstant();
		assertThat(issuedAt).isBeforeOrEqualTo(this.clock.instant()).isAfter(this.clock.instant().minusSeconds(1));
		assertThat(Duration.between(issuedAt, claims.getExpirationTime().toInstant())).isEqualTo(lifetime);
	}

	@FunctionalInterface
	interface ThrowingTokens {

		void run(TokenCache tokens) throws Exception;

	}

}
