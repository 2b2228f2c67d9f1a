package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * Key pairs for DPoP tests, and the PKCS#8 PEM files {@code dpop.key} reads.
 */
public final class DpopTestKeys {

	private DpopTestKeys() {
	}

	/**
	 * A fresh key pair.
	 * @param kind {@code P-256}, {@code P-384}, {@code RSA} or {@code Ed25519}
	 * @return the pair
	 */
	public static KeyPair keyPair(String kind) {
		try {
			KeyPairGenerator generator = switch (kind) {
				case "P-256", "P-384" -> KeyPairGenerator.getInstance("EC");
				case "RSA" -> KeyPairGenerator.getInstance("RSA");
				default -> KeyPairGenerator.getInstance(kind);
			};
			switch (kind) {
				case "P-256" -> generator.initialize(new ECGenParameterSpec("secp256r1"));
				case "P-384" -> generator.initialize(new ECGenParameterSpec("secp384r1"));
				case "RSA" -> generator.initialize(2048);
				default -> {
				}
			}
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The private key as {@code openssl genpkey} writes it.
	 * @param pair the pair
	 * @return the PEM text
	 */
	public static String pem(KeyPair pair) {
		return "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(pair.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
	}

	/**
	 * Write the private key to a PEM file.
	 * @param pair the pair
	 * @param file where
	 * @return {@code file:} resource location of it
	 */
	public static String write(KeyPair pair, Path file) {
		try {
			Files.writeString(file, pem(pair), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return "file:" + file.toAbsolutePath();
	}

}
