package dev.tokenkeeper.autoconfigure;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Start-up with invalid client authentication, as a user meets it: the report names the
 * exact property, says why, and shows neither key material nor a secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientAuthenticationConfigurationFailureTests {

	private static final String PREFIX = "--tokenkeeper.clients.partner.";

	private static final KeyPair RSA = TestKeys.rsa(2048);

	private static final KeyPair EC = TestKeys.ec("secp256r1");

	private static final String SECRET = "s3cr3t-DO-NOT-PRINT";

	@TempDir
	Path directory;

	@Test
	void runWhenPrivateKeyJwtHasNoKeyThenSigningKeyMustBeSet(CapturedOutput output) {
		assertInvalid(output, "jwt.signing-key", "must be set for private-key-jwt", privateKeyJwt());
	}

	@Test
	void runWhenKeyFileIsMissingThenSigningKeyNamed(CapturedOutput output) {
		assertInvalid(output, "jwt.signing-key", "names a resource that does not exist",
				privateKeyJwt(PREFIX + "jwt.signing-key=file:" + this.directory.resolve("absent.pem")));
	}

	@Test
	void runWhenKeyIsEncryptedThenSigningKeyNamed(CapturedOutput output) {
		String pem = TestKeys.pem("ENCRYPTED PRIVATE KEY", RSA.getPrivate().getEncoded());
		assertInvalid(output, "jwt.signing-key", "is an encrypted PEM key", privateKeyJwt(key(pem)));
	}

	@Test
	void runWhenKeyIsMalformedThenSigningKeyNamedWithoutItsContent(CapturedOutput output) {
		byte[] der = RSA.getPrivate().getEncoded();
		byte[] broken = java.util.Arrays.copyOf(der, der.length / 2);
		assertInvalid(output, "jwt.signing-key", "holds neither an RSA nor an EC private key",
				privateKeyJwt(key(TestKeys.pem("PRIVATE KEY", broken))));
	}

	@Test
	void runWhenEcKeyWithRs384ThenAlgorithmNamed(CapturedOutput output) {
		assertInvalid(output, "jwt.algorithm", "is RS384, which needs an RSA key, but the key is an EC key",
				privateKeyJwt(key(TestKeys.pkcs8(EC)), PREFIX + "jwt.algorithm=RS384"));
	}

	@Test
	void runWhenRsaKeyIsTooShortThenSigningKeyNamed(CapturedOutput output) {
		assertInvalid(output, "jwt.signing-key", "is an RSA key of 1024 bits; at least 2048 are needed",
				privateKeyJwt(key(TestKeys.pkcs8(TestKeys.rsa(1024)))));
	}

	@Test
	void runWhenSmartBackendLifetimeIsTenMinutesThenLifetimeNamed(CapturedOutput output) {
		assertInvalid(output, "jwt.lifetime", "must be at most 5m for profile smart-backend",
				smartBackend(key(TestKeys.pkcs8(RSA)), PREFIX + "jwt.lifetime=10m"));
	}

	@Test
	void runWhenSmartBackendHasNoScopesThenScopesNamed(CapturedOutput output) {
		List<String> args = new ArrayList<>(List.of(smartBackend(key(TestKeys.pkcs8(RSA)))));
		args.removeIf((arg) -> arg.startsWith(PREFIX + "scopes="));
		assertInvalid(output, "scopes", "must be set for profile smart-backend", args.toArray(String[]::new));
	}

	@Test
	void runWhenSmartBackendWithP256KeyThenSigningKeyNamed(CapturedOutput output) {
		assertInvalid(output, "jwt.signing-key", "needs a P-384 key, but the key is on P-256",
				smartBackend(key(TestKeys.pkcs8(EC))));
	}

	@Test
	void runWhenClientSecretJwtHasNoSecretThenClientSecretNamed(CapturedOutput output) {
		assertInvalid(output, "client-secret", "must be set for client-secret-jwt", PREFIX + "profile=post-form",
				PREFIX + "client-authentication=client-secret-jwt", PREFIX + "token-uri=https://idp.example.com/token",
				PREFIX + "client-id=partner-client");
	}

	@Test
	void runWhenClientSecretJwtSecretIsShorterThanTheHashThenClientSecretNamedWithoutIt(CapturedOutput output) {
		assertInvalid(output, "client-secret", "is too short for client-secret-jwt with HS256: at least 32 bytes",
				PREFIX + "client-authentication=client-secret-jwt", PREFIX + "token-uri=https://idp.example.com/token",
				PREFIX + "client-id=partner-client", PREFIX + "client-secret=" + SECRET);
	}

	@Test
	void runWhenCandidJsonWithPrivateKeyJwtThenClientAuthenticationNamed(CapturedOutput output) {
		assertInvalid(output, "client-authentication",
				"is private-key-jwt, but profile candid-json takes only its own, client-secret-post",
				PREFIX + "profile=candid-json", PREFIX + "client-authentication=private-key-jwt",
				PREFIX + "token-uri=https://api.joincandidhealth.com/api/auth/v2/token", PREFIX + "client-id=candid",
				key(TestKeys.pkcs8(RSA)));
	}

	@Test
	void runWhenPrivateKeyJwtHasNoSecretThenStarts() {
		try (var context = application().run(privateKeyJwt(key(TestKeys.pkcs8(RSA))))) {
			assertThat(context.getBean(TokenKeeperRegistrations.class).signingKeys()).containsKey("partner");
		}
	}

	private String key(String pem) {
		return PREFIX + "jwt.signing-key=file:" + TestKeys.write(this.directory.resolve("key.pem"), pem);
	}

	private static String[] privateKeyJwt(String... more) {
		List<String> args = new ArrayList<>(List.of(PREFIX + "profile=post-form",
				PREFIX + "client-authentication=private-key-jwt", PREFIX + "token-uri=https://idp.example.com/token",
				PREFIX + "client-id=partner-client"));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	private static String[] smartBackend(String... more) {
		List<String> args = new ArrayList<>(List.of(PREFIX + "profile=smart-backend",
				PREFIX + "token-uri=https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token",
				PREFIX + "client-id=epic-client", PREFIX + "scopes=system/Patient.rs"));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	private static void assertInvalid(CapturedOutput output, String property, String reason, String... args) {
		Throwable failure = catchThrowable(() -> application().run(args).close());
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidTokenKeeperConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("cause of %s", failure).isInstanceOf(InvalidTokenKeeperConfigurationException.class);
		assertThat(((InvalidTokenKeeperConfigurationException) cause).getProblems())
			.extracting(Problem::property)
			.contains("tokenkeeper.clients.partner." + property);
		assertThat(((InvalidTokenKeeperConfigurationException) cause).getProblems()).anySatisfy(
				(problem) -> assertThat(problem.reason()).contains(reason));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: tokenkeeper.clients.partner." + property);
		assertThat(output).doesNotContain(SECRET);
		for (KeyPair keyPair : new KeyPair[] { RSA, EC }) {
			String base64 = Base64.getEncoder().encodeToString(keyPair.getPrivate().getEncoded());
			for (int i = 0; i + 16 <= base64.length(); i += 16) {
				assertThat(output.getAll()).doesNotContain(base64.substring(i, i + 16));
			}
		}
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(
				TokenKeeperConfigurationFailureTests.TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		return application;
	}

}
