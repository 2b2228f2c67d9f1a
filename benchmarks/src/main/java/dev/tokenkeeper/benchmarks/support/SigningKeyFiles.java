package dev.tokenkeeper.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.io.FileSystemResource;

import dev.tokenkeeper.assertion.JwtClientAssertions;
import dev.tokenkeeper.assertion.SigningAlgorithms;
import dev.tokenkeeper.assertion.SigningKeys;
import dev.tokenkeeper.token.ClientAssertions;
import dev.tokenkeeper.token.ClientCredentials;

/**
 * {@code private-key-jwt} assertions as a registration with {@code jwt.signing-key:
 * file:…} has them: a JDK-made key written as a PKCS#8 PEM file, read by TokenKeeper's
 * {@link SigningKeys} (which checks the file's version on every token request), and a count
 * of the assertions signed.
 */
public final class SigningKeyFiles {

	private SigningKeyFiles() {
	}

	/**
	 * Assertions signed with a fresh key for {@code algorithm}.
	 * @param algorithm RS256, RS384 (2048-bit RSA), ES256 (P-256) or ES384 (P-384)
	 * @param clock the clock {@code iat} is read from
	 * @param signed counts every assertion created
	 * @return the assertions
	 */
	public static ClientAssertions assertions(String algorithm, Clock clock, AtomicInteger signed) {
		Path file = write(keyPair(algorithm));
		SigningKeys keys = SigningKeys.pem("bench", new FileSystemResource(file), null,
				new SigningAlgorithms(algorithm, false), null, clock);
		JwtClientAssertions assertions = JwtClientAssertions.privateKey(keys, Duration.ofMinutes(1), null, clock);
		return (ClientCredentials credentials) -> {
			signed.incrementAndGet();
			return assertions.create(credentials);
		};
	}

	private static KeyPair keyPair(String algorithm) {
		try {
			if (algorithm.startsWith("ES")) {
				KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
				generator.initialize(new ECGenParameterSpec(algorithm.equals("ES256") ? "secp256r1" : "secp384r1"));
				return generator.generateKeyPair();
			}
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path write(KeyPair keyPair) {
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(keyPair.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		try {
			Path file = Files.createTempFile("tokenkeeper-bench-key", ".pem");
			file.toFile().deleteOnExit();
			return Files.writeString(file, pem, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
