package dev.tokenkeeper.integration;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.FormBodies;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TestKeys;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code issuer-uri} in place of {@code token-uri}: the token endpoint read from a real
 * Spring Authorization Server's own metadata, from a FHIR server's
 * {@code .well-known/smart-configuration} and from OpenID metadata under an issuer path;
 * looked up at the first token request only; a discovery endpoint that is down fails the
 * token request and a later one (after the cool-down) recovers without restart.
 */
class IssuerDiscoveryTests {

	private static final String SCOPE = "partner.read";

	private static final String SECRET = "discovery-secret";

	@RegisterExtension
	static final AuthorizationServerAndApi servers = AuthorizationServerAndApi.of()
		.client("discovery", "discovery-client", SECRET, "client_secret_basic", SCOPE)
		.withoutResourceServer();

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = MutableClock.now();

	@TempDir
	Path directory;

	@BeforeEach
	void startStub() {
		this.server.start();
		this.server.stubFor(post("/oauth2/token").willReturn(
				okJson("{\"access_token\":\"stub-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
	}

	@AfterEach
	void stopStub() {
		this.server.stop();
	}

	@Test
	void issuerUriWhenSpringAuthorizationServerThenItsMetadataNamesTheTokenEndpointAndItIssuesTheToken() {
		WebClientContexts.runner(this.clock)
			.withPropertyValues("tokenkeeper.clients.sas.issuer-uri=" + servers.issuer(),
					"tokenkeeper.clients.sas.client-id=discovery-client",
					"tokenkeeper.clients.sas.client-secret=" + SECRET, "tokenkeeper.clients.sas.scopes=" + SCOPE)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TokenCache tokens = context.getBean(TokenCache.class);
				CachedToken token = tokens.token("sas").block(Duration.ofSeconds(30));
				assertThat(token.clientRegistration().getProviderDetails().getTokenUri())
					.isEqualTo(servers.issuer() + "/oauth2/token");
				assertThat(servers.counter().count("discovery-client"))
					.isEqualTo(1);
			});
	}

	@Test
	void issuerUriWhenSmartBackendThenSmartConfigurationIsReadOnceAndTheAssertionAudienceIsTheDiscoveredEndpoint() {
		String fhirBase = this.server.baseUrl() + "/fhir/r4";
		String tokenUri = this.server.baseUrl() + "/oauth2/token";
		this.server.stubFor(get("/fhir/r4/.well-known/smart-configuration")
			.willReturn(okJson("{\"token_endpoint\":\"" + tokenUri + "\",\"capabilities\":[\"client-confidential-asymmetric\"]}")));
		KeyPair key = TestKeys.rsa(2048);
		Path file = TestKeys.write(this.directory.resolve("smart.pem"), TestKeys.pkcs8(key));
		WebClientContexts.runner(this.clock)
			.withPropertyValues("tokenkeeper.clients.ehr.profile=smart-backend",
					"tokenkeeper.clients.ehr.issuer-uri=" + fhirBase, "tokenkeeper.clients.ehr.client-id=ehr-client",
					"tokenkeeper.clients.ehr.scopes=system/Patient.rs", "tokenkeeper.clients.ehr.jwt.signing-key=file:" + file)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TokenCache tokens = context.getBean(TokenCache.class);
				tokens.token("ehr").block(Duration.ofSeconds(30));
				tokens.evict("ehr");
				tokens.token("ehr").block(Duration.ofSeconds(30));
				this.server.verify(1, getRequestedFor(urlEqualTo("/fhir/r4/.well-known/smart-configuration")));
				List<LoggedRequest> requests = this.server.findAll(postRequestedFor(urlEqualTo("/oauth2/token")));
				assertThat(requests).hasSize(2);
				JWTClaimsSet claims = SignedJWT.parse(FormBodies.fields(requests.get(1)).get("client_assertion"))
					.getJWTClaimsSet();
				assertThat(claims.getAudience()).containsExactly(tokenUri);
			});
	}

	@Test
	void issuerUriWithPathWhenNoRfc8414MetadataThenOpenIdMetadataAppendedToThePathIsUsed() {
		String tenant = this.server.baseUrl() + "/tenants/acme";
		this.server.stubFor(get("/tenants/acme/.well-known/openid-configuration").willReturn(okJson(
				"{\"issuer\":\"" + tenant + "\",\"token_endpoint\":\"" + this.server.baseUrl() + "/oauth2/token\"}")));
		WebClientContexts.runner(this.clock)
			.withPropertyValues(registration("acme", tenant))
			.run((context) -> {
				context.getBean(TokenCache.class).token("acme").block(Duration.ofSeconds(30));
				// RFC 8414 inserts the well-known segment before the path; unanswered here (404)
				this.server.verify(1, getRequestedFor(urlEqualTo("/.well-known/oauth-authorization-server/tenants/acme")));
				this.server.verify(1, getRequestedFor(urlEqualTo("/tenants/acme/.well-known/openid-configuration")));
				this.server.verify(1, postRequestedFor(urlEqualTo("/oauth2/token")));
			});
	}

	@Test
	void discoveryWhenDownAtFirstUseThenTheCallFailsNamingTheRegistrationAndALaterCallRecoversWithoutRestart() {
		String issuerUri = this.server.baseUrl() + "/idp";
		this.server.stubFor(get(urlPathEqualTo("/.well-known/oauth-authorization-server/idp"))
			.willReturn(aResponse().withStatus(503)));
		WebClientContexts.runner(this.clock)
			.withPropertyValues(registration("partner", issuerUri))
			.withPropertyValues("tokenkeeper.clients.partner.retry.max-attempts=2",
					"tokenkeeper.clients.partner.retry.initial-backoff=10ms",
					"tokenkeeper.clients.partner.retry.failure-cool-down=30s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TokenCache tokens = context.getBean(TokenCache.class);
				assertThatExceptionOfType(TokenEndpointException.class)
					.isThrownBy(() -> tokens.token("partner").block(Duration.ofSeconds(30)))
					.withMessageContaining("registration 'partner'")
					.withMessageContaining("HTTP 503")
					.withMessageContaining("issuer-uri discovery at " + this.server.baseUrl()
							+ "/.well-known/oauth-authorization-server/idp");
				// a 5xx is retried with the token request's backoff, then the cool-down holds
				this.server.verify(2, getRequestedFor(urlPathEqualTo("/.well-known/oauth-authorization-server/idp")));
				this.server.stubFor(get(urlPathEqualTo("/.well-known/oauth-authorization-server/idp")).willReturn(okJson(
						"{\"issuer\":\"" + issuerUri + "\",\"token_endpoint\":\"" + this.server.baseUrl() + "/oauth2/token\"}")));
				assertThatExceptionOfType(TokenEndpointException.class)
					.isThrownBy(() -> tokens.token("partner").block(Duration.ofSeconds(30)))
					.satisfies((ex) -> assertThat(ex.isCoolingDown()).isTrue());
				this.server.verify(2, getRequestedFor(urlPathEqualTo("/.well-known/oauth-authorization-server/idp")));
				this.clock.advance(Duration.ofMinutes(1));
				CachedToken token = tokens.token("partner").block(Duration.ofSeconds(30));
				assertThat(token.accessToken().getTokenValue()).isEqualTo("stub-token");
				this.server.verify(3, getRequestedFor(urlPathEqualTo("/.well-known/oauth-authorization-server/idp")));
				this.server.verify(1, postRequestedFor(urlEqualTo("/oauth2/token")));
			});
	}

	@Test
	void discoveredTokenEndpointWhenPlainHttpOffLoopbackThenTheTokenRequestFailsAndNothingIsSentThere() {
		String issuerUri = this.server.baseUrl();
		this.server.stubFor(get("/.well-known/oauth-authorization-server").willReturn(
				okJson("{\"issuer\":\"" + issuerUri + "\",\"token_endpoint\":\"http://idp.example.com/oauth2/token\"}")));
		WebClientContexts.runner(this.clock)
			.withPropertyValues(registration("partner", issuerUri))
			.run((context) -> assertThatExceptionOfType(TokenEndpointException.class)
				.isThrownBy(() -> context.getBean(TokenCache.class).token("partner").block(Duration.ofSeconds(30)))
				.withMessageContaining("registration 'partner'")
				.withMessageContaining("the token_endpoint in " + issuerUri
						+ "/.well-known/oauth-authorization-server must use https"));
	}

	private static String[] registration(String id, String issuerUri) {
		String prefix = "tokenkeeper.clients." + id + ".";
		return new String[] { prefix + "issuer-uri=" + issuerUri, prefix + "client-id=" + id + "-client",
				prefix + "client-secret=" + id + "-secret" };
	}

}
