package dev.tokenkeeper.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.tokenkeeper.assertion.PublishedJwkSet;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.FormBodies;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.OwnEventLoops;
import dev.tokenkeeper.test.TestKeys;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JWK Set at {@code tokenkeeper.jwks.path}, served by servlet and WebFlux applications:
 * public parts only, the next key before it signs, nothing unless asked for.
 */
class TokenKeeperJwksAutoConfigurationTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	@TempDir
	Path directory;

	private final KeyPair rsa = TestKeys.rsa(2048);

	private final KeyPair ec = TestKeys.ec("secp256r1");

	private final KeyPair next = TestKeys.rsa(2048);

	@BeforeEach
	void setUp() {
		this.server.start();
		this.server.stubFor(post(anyUrl()).willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void jwkSetWhenServletApplicationThenPublicKeysOfEveryPrivateKeyJwtRegistration() throws Exception {
		try (ConfigurableApplicationContext context = start(WebApplicationType.SERVLET)) {
			HttpResponse<String> response = get(context);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith(PublishedJwkSet.MEDIA_TYPE));
			assertPublicKeys(response.body());
		}
	}

	@Test
	void jwkSetWhenWebFluxApplicationThenTheSameKeys() throws Exception {
		try (ConfigurableApplicationContext context = start(WebApplicationType.REACTIVE)) {
			HttpResponse<String> response = get(context);
			assertThat(response.statusCode()).isEqualTo(200);
			assertPublicKeys(response.body());
		}
	}

	@Test
	void nextSigningKeyWhenConfiguredThenPublishedBeforeItSigns() throws Exception {
		try (ConfigurableApplicationContext context = start(WebApplicationType.REACTIVE)) {
			context.getBean(TokenCache.class).token("rsa").block(Duration.ofSeconds(10));
			String assertion = FormBodies.fields(this.server.findAll(postRequestedFor(anyUrl())).get(0))
				.get("client_assertion");
			String signedWith = SignedJWT.parse(assertion).getHeader().getKeyID();
			List<String> published = JWKSet.parse(get(context).body()).getKeys().stream().map(JWK::getKeyID).toList();
			assertThat(signedWith).isEqualTo(TestKeys.thumbprint(this.rsa));
			assertThat(published).contains(TestKeys.thumbprint(this.rsa), TestKeys.thumbprint(this.next));
		}
	}

	@Test
	void jwkSetWhenPrivateKeyJwtClientRegisteredAtRunTimeThenItsKeyIsPublishedItSignsWithItAndRemoveUnpublishesIt()
			throws Exception {
		KeyPair tenant = TestKeys.rsa(2048);
		try (ConfigurableApplicationContext context = start(WebApplicationType.REACTIVE)) {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			clients.register("tenant-7", Map.of("client-authentication", "private-key-jwt", "token-uri",
					this.server.baseUrl() + "/token", "client-id", "tenant-7-client", "jwt", Map.of("signing-key",
							"file:" + TestKeys.write(this.directory.resolve("tenant-7.pem"), TestKeys.pkcs8(tenant)))));
			assertThat(kids(context)).contains(TestKeys.thumbprint(tenant), TestKeys.thumbprint(this.rsa));
			context.getBean(TokenCache.class).token("tenant-7").block(Duration.ofSeconds(10));
			String assertion = FormBodies.fields(this.server.findAll(postRequestedFor(anyUrl())).get(0))
				.get("client_assertion");
			assertThat(SignedJWT.parse(assertion).getHeader().getKeyID()).isEqualTo(TestKeys.thumbprint(tenant));
			clients.remove("tenant-7");
			assertThat(kids(context)).doesNotContain(TestKeys.thumbprint(tenant)).contains(TestKeys.thumbprint(this.rsa));
		}
	}

	private List<String> kids(ConfigurableApplicationContext context) throws Exception {
		return JWKSet.parse(get(context).body()).getKeys().stream().map(JWK::getKeyID).toList();
	}

	@Test
	void jwkSetWhenPathNotSetThenNoEndpoint() {
		WebClientContexts.runner(MutableClock.now())
			.withPropertyValues("tokenkeeper.clients.rsa.client-authentication=private-key-jwt",
					"tokenkeeper.clients.rsa.token-uri=" + this.server.baseUrl() + "/token",
					"tokenkeeper.clients.rsa.client-id=rsa-client",
					"tokenkeeper.clients.rsa.jwt.signing-key=file:"
							+ TestKeys.write(this.directory.resolve("k.pem"), TestKeys.pkcs8(this.rsa)))
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations
				.of(TokenKeeperJwksAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(PublishedJwkSet.class);
			});
	}

	private void assertPublicKeys(String body) throws Exception {
		JWKSet set = JWKSet.parse(body);
		assertThat(set.getKeys()).extracting(JWK::getKeyID)
			.containsExactlyInAnyOrder(TestKeys.thumbprint(this.rsa), TestKeys.thumbprint(this.ec), TestKeys.thumbprint(this.next));
		assertThat(set.getKeys()).allSatisfy((jwk) -> {
			assertThat(jwk.isPrivate()).isFalse();
			assertThat(jwk.getKeyUse().identifier()).isEqualTo("sig");
			assertThat(jwk.getAlgorithm()).isNotNull();
		});
		assertThat(set.getKeyByKeyId(TestKeys.thumbprint(this.rsa)).getAlgorithm().getName()).isEqualTo("RS256");
		assertThat(set.getKeyByKeyId(TestKeys.thumbprint(this.ec)).getAlgorithm().getName()).isEqualTo("ES256");
		// no private member of RFC 7518 section 6 in the raw JSON
		for (String member : new String[] { "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"" }) {
			assertThat(body).doesNotContain(member);
		}
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/jwks.json"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private ConfigurableApplicationContext start(WebApplicationType type) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("tokenkeeper.jwks.path", "/.well-known/jwks.json");
		registration(properties, "rsa", "private-key-jwt", TestKeys.pkcs8(this.rsa));
		registration(properties, "ec", "private-key-jwt", TestKeys.pkcs8(this.ec));
		properties.put("tokenkeeper.clients.rsa.jwt.next-signing-key",
				"file:" + TestKeys.write(this.directory.resolve("next.pem"), TestKeys.pkcs8(this.next)));
		registration(properties, "hmac", "client-secret-jwt", null);
		properties.put("tokenkeeper.clients.hmac.client-secret", "client-secret-jwt-secret-0123456789abcdef");
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.exclude((candidate) -> candidate.startsWith("org.springframework.boot.security.")));
		properties.put("spring.config.name", "jwks-tests");
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("spring.main.banner-mode", "off");
		return new SpringApplicationBuilder(JwksApplication.class).web(type).properties(properties).run();
	}

	private void registration(Map<String, Object> properties, String id, String method, String pem) {
		String prefix = "tokenkeeper.clients." + id + ".";
		properties.put(prefix + "client-authentication", method);
		properties.put(prefix + "token-uri", this.server.baseUrl() + "/token");
		properties.put(prefix + "client-id", id + "-client");
		if (pem != null) {
			properties.put(prefix + "jwt.signing-key", "file:" + TestKeys.write(this.directory.resolve(id + ".pem"), pem));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnEventLoops.class)
	static class JwksApplication {

	}

}
