package dev.tokenkeeper.integration;

import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.SelfSignedCertificate;
import dev.tokenkeeper.test.TestKeys;
import dev.tokenkeeper.test.TokenRequestCounter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS client authentication (RFC 8705) against a real Spring Authorization Server whose
 * token endpoint is TLS with client authentication {@code want}: {@code tls_client_auth}
 * (matched by subject) and {@code self_signed_tls_client_auth} (matched against the client's
 * JWK Set). Every certificate is made by the test; no secret is configured at all.
 */
class TlsClientAuthenticationAuthorizationServerTests {

	private static final String SCOPE = "partner.read";

	private static final String PASSWORD = "changeit";

	@TempDir
	static Path directory;

	private static final WireMockServer clientJwks = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private static SelfSignedCertificate server;

	private static SelfSignedCertificate authority;

	private static SelfSignedCertificate tlsClient;

	private static SelfSignedCertificate selfSignedClient;

	private static ConfigurableApplicationContext authorizationServer;

	private static ConfigurableApplicationContext resourceServer;

	private static ConfigurableApplicationContext tokenKeeper;

	private static String api;

	@BeforeAll
	static void start() throws Exception {
		server = SelfSignedCertificate.generate(directory);
		// tls_client_auth takes a CA-issued certificate (SAS treats a self-signed one as the other method)
		authority = SelfSignedCertificate.authority(directory, "ca", "CN=TokenKeeper Test CA");
		tlsClient = authority.issue(directory, "tls-client", "CN=tls-client,O=TokenKeeper");
		selfSignedClient = SelfSignedCertificate.generate(directory, "self-signed-client", "CN=self-signed-client");
		// the client's JWK Set with its certificate, as a self-signed client registers it
		clientJwks.start();
		RSAKey jwk = new RSAKey.Builder((RSAPublicKey) selfSignedClient.x509().getPublicKey())
			.x509CertChain(List.of(Base64.encode(selfSignedClient.x509().getEncoded())))
			.build();
		clientJwks.stubFor(get("/jwks").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"keys\":[" + jwk.toPublicJWK().toJSONString() + "]}")));

		Map<String, Object> tls = AuthorizationServerAndApi.loopbackProperties();
		tls.put("server.ssl.bundle", "server");
		tls.put("server.ssl.client-auth", "want");
		jks(tls, "server", server.keyStore(),
				SelfSignedCertificate.trustStore(directory.resolve("server-trust.p12"), authority, selfSignedClient));
		authorizationServer = new SpringApplicationBuilder(AuthorizationServerIntegrationTests.AuthorizationServer.class,
				TlsClients.class)
			.web(WebApplicationType.SERVLET)
			.properties(tls)
			.run();
		String issuer = "https://127.0.0.1:" + AuthorizationServerAndApi.port(authorizationServer);

		// the resource server verifies the server's tokens with its public key, fetched here over no TLS
		Map<String, Object> resource = AuthorizationServerAndApi.loopbackProperties();
		resource.put("spring.security.oauth2.resourceserver.jwt.public-key-location",
				"file:" + TestKeys.write(directory.resolve("issuer-key.pem"), issuerPublicKey()));
		resourceServer = new SpringApplicationBuilder(AuthorizationServerIntegrationTests.ResourceServer.class)
			.web(WebApplicationType.REACTIVE)
			.properties(resource)
			.run();
		api = "http://127.0.0.1:" + AuthorizationServerAndApi.port(resourceServer) + "/api";

		Path clientTrust = SelfSignedCertificate.trustStore(directory.resolve("client-trust.p12"), server);
		Map<String, Object> client = AuthorizationServerAndApi.loopbackProperties();
		registration(client, "tls", "tls-client-auth", "tls-client", issuer);
		jks(client, "tls-client", tlsClient.keyStore(), clientTrust);
		registration(client, "selfsigned", "self-signed-tls-client-auth", "self-signed-client", issuer);
		jks(client, "self-signed-client", selfSignedClient.keyStore(), clientTrust);
		client.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.tokenKeeperAnd(PropertyPlaceholderAutoConfiguration.class,
						SslAutoConfiguration.class, JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
						HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
						WebClientAutoConfiguration.class));
		tokenKeeper = new SpringApplicationBuilder(AuthorizationServerIntegrationTests.TokenKeeperApplication.class)
			.web(WebApplicationType.NONE)
			.properties(client)
			.run();
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { tokenKeeper,
				resourceServer, authorizationServer }) {
			if (context != null) {
				context.close();
			}
		}
		clientJwks.stop();
	}

	@Test
	void callsWhenTlsClientAuthThenOneTokenRequestAndTwentyCallsTheResourceServerAccepts() {
		assertTwentyCallsWithOneToken("tls", "tls-client");
	}

	@Test
	void callsWhenSelfSignedTlsClientAuthThenOneTokenRequestAndTwentyCallsTheResourceServerAccepts() {
		assertTwentyCallsWithOneToken("selfsigned", "self-signed-client");
	}

	private static void assertTwentyCallsWithOneToken(String registration, String clientId) {
		WebClient webClient = tokenKeeper.getBean(WebClient.Builder.class).build();
		List<String> subjects = Flux.range(0, 20)
			.concatMap((i) -> webClient.get().uri(api + "/" + registration + "/whoami").retrieve().bodyToMono(String.class))
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(subjects).hasSize(20).containsOnly(clientId);
		assertThat(authorizationServer.getBean(TokenRequestCounter.class).count(clientId)).isEqualTo(1);
	}

	private static void registration(Map<String, Object> properties, String id, String method, String clientId,
			String issuer) {
		String prefix = "tokenkeeper.clients." + id + ".";
		properties.put(prefix + "profile", "post-form");
		properties.put(prefix + "client-authentication", method);
		properties.put(prefix + "token-uri", issuer + "/oauth2/token");
		properties.put(prefix + "client-id", clientId);
		properties.put(prefix + "scopes", SCOPE);
		properties.put(prefix + "ssl-bundle", clientId);
		properties.put(prefix + "base-urls", api + "/" + id);
	}

	private static void jks(Map<String, Object> properties, String bundle, Path keyStore, Path trustStore) {
		String prefix = "spring.ssl.bundle.jks." + bundle + ".";
		properties.put(prefix + "keystore.location", "file:" + keyStore);
		properties.put(prefix + "keystore.password", PASSWORD);
		properties.put(prefix + "keystore.type", "PKCS12");
		properties.put(prefix + "truststore.location", "file:" + trustStore);
		properties.put(prefix + "truststore.password", PASSWORD);
		properties.put(prefix + "truststore.type", "PKCS12");
	}

	@SuppressWarnings("unchecked")
	private static String issuerPublicKey() throws Exception {
		JWKSource<SecurityContext> source = authorizationServer.getBean(JWKSource.class);
		JWK key = source.get(new JWKSelector(new JWKMatcher.Builder().build()), null).get(0);
		return TestKeys.pem("PUBLIC KEY", key.toRSAKey().toRSAPublicKey().getEncoded());
	}

	/** The two TLS clients: one matched by its subject, one by the certificate in its JWK Set. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SslAutoConfiguration.class)
	static class TlsClients {

		@Bean
		InMemoryRegisteredClientRepository registeredClientRepository() {
			return new InMemoryRegisteredClientRepository(
					client("tls-client", ClientAuthenticationMethod.TLS_CLIENT_AUTH,
							ClientSettings.builder()
								.x509CertificateSubjectDN(tlsClient.x509().getSubjectX500Principal().getName())
								.build()),
					client("self-signed-client", ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH,
							ClientSettings.builder().jwkSetUrl(clientJwks.baseUrl() + "/jwks").build()));
		}

		private static RegisteredClient client(String clientId, ClientAuthenticationMethod method,
				ClientSettings settings) {
			return RegisteredClient.withId(UUID.randomUUID().toString())
				.clientId(clientId)
				.clientAuthenticationMethod(method)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scope(SCOPE)
				.clientSettings(settings)
				.build();
		}

	}

}
