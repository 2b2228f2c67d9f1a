package dev.tokenkeeper.assertion;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.FormBodies;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.SelfSignedCertificate;
import dev.tokenkeeper.test.TestKeys;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys rotated while the application runs: an SSL bundle Boot reloads signs from the next
 * token request on, and the JWK Set keeps the previous key for the retention; a key file
 * that cannot be read when it changes leaves the previous key signing.
 */
@ExtendWith(OutputCaptureExtension.class)
class SigningKeyRotationTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = MutableClock.now();

	@TempDir
	Path directory;

	@BeforeEach
	void setUp() {
		this.server.start();
		TokenEndpointStubs.sequence(this.server, "/token", 3600, "token-1");
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void sslBundleWhenReloadedThenNextTokenRequestSignsWithItsKeyAndJwkSetKeepsThePreviousForTheRetention() {
		SelfSignedCertificate first = SelfSignedCertificate.generate(this.directory, "first", "CN=first");
		SelfSignedCertificate second = SelfSignedCertificate.generate(this.directory, "second", "CN=second");
		DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry("signing", bundle(first));
		WebClientContexts.runner(this.clock)
			.withBean(DefaultSslBundleRegistry.class, () -> bundles)
			.withPropertyValues("tokenkeeper.jwks.path=/jwks", "tokenkeeper.jwks.previous-key-retention=30m",
					"tokenkeeper.clients.partner.client-authentication=private-key-jwt",
					"tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/token",
					"tokenkeeper.clients.partner.client-id=partner-client",
					"tokenkeeper.clients.partner.jwt.ssl-bundle=signing")
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations
				.of(dev.tokenkeeper.autoconfigure.TokenKeeperJwksAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TokenCache tokens = context.getBean(TokenCache.class);
				PublishedJwkSet jwkSet = context.getBean(PublishedJwkSet.class);
				tokens.token("partner").block(Duration.ofSeconds(10));
				assertThat(lastKid()).isEqualTo(thumbprint(first));
				bundles.updateBundle("signing", bundle(second));
				tokens.evict("partner");
				tokens.token("partner").block(Duration.ofSeconds(10));
				assertThat(lastKid()).isEqualTo(thumbprint(second));
				assertThat(kids(jwkSet)).containsExactly(thumbprint(second), thumbprint(first));
				this.clock.advance(Duration.ofMinutes(29));
				assertThat(kids(jwkSet)).containsExactly(thumbprint(second), thumbprint(first));
				this.clock.advance(Duration.ofMinutes(1));
				assertThat(kids(jwkSet)).containsExactly(thumbprint(second));
			});
	}

	@Test
	void keyFileWhenReplacedByGarbageThenPreviousKeyKeepsSigningAndAWarningNamesTheProperty(CapturedOutput output) {
		KeyPair key = TestKeys.rsa(2048);
		Path file = TestKeys.write(this.directory.resolve("key.pem"), TestKeys.pkcs8(key));
		WebClientContexts.runner(this.clock)
			.withPropertyValues("tokenkeeper.clients.partner.client-authentication=private-key-jwt",
					"tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/token",
					"tokenkeeper.clients.partner.client-id=partner-client",
					"tokenkeeper.clients.partner.jwt.signing-key=file:" + file)
			.run((context) -> {
				TokenCache tokens = context.getBean(TokenCache.class);
				TestKeys.write(file, "-----BEGIN PRIVATE KEY-----\nhalf-writ");
				tokens.token("partner").block(Duration.ofSeconds(10));
				assertThat(lastKid()).isEqualTo(TestKeys.thumbprint(key));
				assertThat(output).contains("tokenkeeper.clients.partner.jwt.signing-key changed but")
					.contains("the previous key keeps signing");
			});
	}

	private String lastKid() throws Exception {
		List<LoggedRequest> requests = this.server.findAll(postRequestedFor(anyUrl()));
		String assertion = FormBodies.fields(requests.get(requests.size() - 1)).get("client_assertion");
		return SignedJWT.parse(assertion).getHeader().getKeyID();
	}

	private static List<String> kids(PublishedJwkSet jwkSet) {
		return jwkSet.keys().stream().map(JWK::getKeyID).toList();
	}

	private static SslBundle bundle(SelfSignedCertificate certificate) {
		try (InputStream in = Files.newInputStream(certificate.keyStore())) {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(in, certificate.password().toCharArray());
			return SslBundle.of(SslStoreBundle.of(keyStore, certificate.password(), null));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String thumbprint(SelfSignedCertificate certificate) throws Exception {
		KeyStore keyStore = bundle(certificate).getStores().getKeyStore();
		String alias = keyStore.aliases().nextElement();
		PrivateKey key = (PrivateKey) keyStore.getKey(alias, certificate.password().toCharArray());
		return TestKeys.thumbprint(new KeyPair(keyStore.getCertificate(alias).getPublicKey(), key));
	}

}
