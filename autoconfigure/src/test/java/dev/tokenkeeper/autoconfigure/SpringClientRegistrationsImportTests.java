package dev.tokenkeeper.autoconfigure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.web.ClientAttributes;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.FormBodies;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.TestKeys;
import dev.tokenkeeper.test.TokenEndpointStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.security.oauth2.client.registration.*} entries with the client_credentials
 * grant, served by TokenKeeper as they are configured.
 */
class SpringClientRegistrationsImportTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = RestClientContexts.runner(this.clock)
			.withPropertyValues(REGISTRATION + "legacy.client-id=legacy client",
					REGISTRATION + "legacy.client-secret=a+b/c:=%",
					REGISTRATION + "legacy.authorization-grant-type=client_credentials",
					REGISTRATION + "legacy.scope=read,write",
					"spring.security.oauth2.client.provider.legacy.token-uri=" + this.server.baseUrl() + "/oauth2/token");
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "legacy-token");
		this.server.stubFor(get(urlPathEqualTo("/legacy-api/data")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer legacy-token")).willReturn(aResponse().withBody("data")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void callsWhenClientSecretBasicRegistrationNamedThenBasicAuthAndOneTokenRequest() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=client_secret_basic")
			.run((context) -> {
				for (int i = 0; i < 3; i++) {
					assertThat(legacyCall(context.getBean(RestClient.Builder.class).build())).isEqualTo("data");
				}
				LoggedRequest tokenRequest = onlyTokenRequest();
				String basic = tokenRequest.getHeader(HttpHeaders.AUTHORIZATION);
				assertThat(basic).startsWith("Basic ");
				// RFC 6749 2.3.1: form-encoded id and secret, then Base64
				String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
				assertThat(decoded).isEqualTo("legacy+client:a%2Bb%2Fc%3A%3D%25");
				assertThat(URLDecoder.decode(tokenRequest.getBodyAsString(), StandardCharsets.UTF_8))
					.contains("grant_type=client_credentials")
					.contains("scope=read write")
					.doesNotContain("client_secret");
			});
	}

	@Test
	void callWhenClientSecretPostThenCredentialsInTheBody() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=client_secret_post")
			.run((context) -> {
				assertThat(legacyCall(context.getBean(RestClient.Builder.class).build())).isEqualTo("data");
				LoggedRequest tokenRequest = onlyTokenRequest();
				assertThat(tokenRequest.containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
				assertThat(URLDecoder.decode(tokenRequest.getBodyAsString(), StandardCharsets.UTF_8))
					.contains("client_id=legacy client")
					.contains("client_secret=a+b/c:=%");
			});
	}

	@Test
	void registrationWhenNamedProviderThenItsTokenUri() {
		TokenEndpointStubs.sequence(this.server, "/acme/token", 300, "legacy-token");
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.provider=acme",
				"spring.security.oauth2.client.provider.acme.token-uri=" + this.server.baseUrl() + "/acme/token")
			.run((context) -> {
				assertThat(legacyCall(context.getBean(RestClient.Builder.class).build())).isEqualTo("data");
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/acme/token")));
				this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			});
	}

	@Test
	void registrationWhenTokenKeeperPropertiesAddBaseUrlsAndAudienceThenBothApply() {
		this.contextRunner.withPropertyValues("tokenkeeper.clients.legacy.base-urls=" + this.server.baseUrl() + "/legacy-api",
				"tokenkeeper.clients.legacy.audience=https://legacy.example/api")
			.run((context) -> {
				RestClient restClient = context.getBean(RestClient.Builder.class).build();
				// by URL, no attribute needed
				assertThat(restClient.get().uri(this.server.baseUrl() + "/legacy-api/data").retrieve()
					.body(String.class)).isEqualTo("data");
				assertThat(URLDecoder.decode(onlyTokenRequest().getBodyAsString(), StandardCharsets.UTF_8))
					.contains("audience=https://legacy.example/api")
					.contains("scope=read write");
			});
	}

	@Test
	void registrationWhenTokenKeeperSetsProfileThenItWinsOverTheAuthenticationMethod() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=private_key_jwt",
				"tokenkeeper.clients.legacy.profile=post-form")
			.run((context) -> {
				assertThat(legacyCall(context.getBean(RestClient.Builder.class).build())).isEqualTo("data");
				assertThat(onlyTokenRequest().getBodyAsString()).contains("client_secret=");
			});
	}

	@Test
	void registrationWhenAuthenticationMethodUnsupportedThenLeftToSpringSecurity() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=private_key_jwt")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TokenCache.class).contains("legacy")).isFalse();
			});
	}

	@Test
	void registrationWhenPrivateKeyJwtWithoutKeyButTokenKeeperAddsToItThenFailureNamesTheSigningKey() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=private_key_jwt",
				"tokenkeeper.clients.legacy.base-urls=" + this.server.baseUrl() + "/legacy-api")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidTokenKeeperConfigurationException.class)
				.hasMessageContaining("tokenkeeper.clients.legacy.jwt.signing-key")
				.hasMessageContaining("private_key_jwt")
				.hasMessageNotContaining("a+b/c:=%"));
	}

	@Test
	void registrationWhenPrivateKeyJwtAndTokenKeeperHasTheKeyThenAssertionWithoutSecret(@TempDir Path directory) {
		Path key = TestKeys.write(directory.resolve("key.pem"), TestKeys.pkcs8(TestKeys.ec("secp256r1")));
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=private_key_jwt",
				REGISTRATION + "legacy.client-secret=", "tokenkeeper.clients.legacy.jwt.signing-key=file:" + key)
			.run((context) -> {
				assertThat(legacyCall(context.getBean(RestClient.Builder.class).build())).isEqualTo("data");
				Map<String, String> form = FormBodies.fields(onlyTokenRequest());
				assertThat(form).containsEntry("client_id", "legacy client")
					.containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
					.containsEntry("scope", "read write")
					.doesNotContainKey("client_secret");
				assertThat(com.nimbusds.jwt.SignedJWT.parse(form.get("client_assertion")).getHeader().getAlgorithm())
					.hasToString("ES256");
			});
	}

	@Test
	void registrationWhenClientSecretJwtThenHmacAssertionOverItsSecret() {
		String secret = "spring-style-client-secret-jwt-0123456789";
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=client_secret_jwt",
				REGISTRATION + "legacy.client-secret=" + secret)
			.run((context) -> {
				assertThat(legacyCall(context.getBean(RestClient.Builder.class).build())).isEqualTo("data");
				LoggedRequest request = onlyTokenRequest();
				Map<String, String> form = FormBodies.fields(request);
				assertThat(form).containsKeys("client_id", "client_assertion").doesNotContainKey("client_secret");
				assertThat(request.getBodyAsString()).doesNotContain(secret);
				assertThat(com.nimbusds.jwt.SignedJWT.parse(form.get("client_assertion"))
					.verify(new com.nimbusds.jose.crypto.MACVerifier(secret))).isTrue();
			});
	}

	@Test
	void registrationWhenAuthenticationMethodUnknownButTokenKeeperAddsToItThenFailureNamesTheProfile() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-authentication-method=none",
				"tokenkeeper.clients.legacy.base-urls=" + this.server.baseUrl() + "/legacy-api")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidTokenKeeperConfigurationException.class)
				.hasMessageContaining("tokenkeeper.clients.legacy.profile")
				.hasMessageContaining("none")
				.hasMessageNotContaining("a+b/c:=%"));
	}

	@Test
	void registrationWhenNoClientSecretThenLeftToSpringSecurity() {
		this.contextRunner.withPropertyValues(REGISTRATION + "legacy.client-secret=").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(TokenCache.class).contains("legacy")).isFalse();
		});
	}

	@Test
	void registrationWhenNoTokenUriThenLeftToSpringSecurity() {
		this.contextRunner.withPropertyValues("spring.security.oauth2.client.provider.legacy.token-uri=",
				"spring.security.oauth2.client.provider.legacy.issuer-uri=https://issuer.example")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TokenCache.class).contains("legacy")).isFalse();
			});
	}

	@Test
	void registrationWhenAuthorizationCodeThenNotImported() {
		this.contextRunner.withPropertyValues(REGISTRATION + "github.client-id=github-client",
				REGISTRATION + "github.client-secret=github-secret",
				REGISTRATION + "github.authorization-grant-type=authorization_code")
			.run((context) -> {
				assertThat(context.getBean(TokenCache.class).registrationIds()).containsExactly("legacy");
			});
	}

	@Test
	void registrationWhenImportSwitchedOffThenNotImported() {
		this.contextRunner.withPropertyValues("tokenkeeper.import-spring-registrations=false").run((context) -> {
			assertThat(context.getBean(TokenCache.class).registrationIds()).isEmpty();
		});
	}

	@Test
	void propertiesWhenImportedThenToStringShowsNoSecret() {
		this.contextRunner.run((context) -> {
			TokenKeeperProperties properties = context.getBean(TokenKeeperProperties.class);
			assertThat(properties.getClients().get("legacy").getClientSecret()).isEqualTo("a+b/c:=%");
			assertThat(properties.getClients().get("legacy").toString()).doesNotContain("a+b/c:=%");
		});
	}

	private String legacyCall(RestClient restClient) {
		return restClient.get()
			.uri(this.server.baseUrl() + "/legacy-api/data")
			.attributes(ClientAttributes.clientRegistrationId("legacy"))
			.retrieve()
			.body(String.class);
	}

	private LoggedRequest onlyTokenRequest() {
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		return this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).get(0);
	}

}
