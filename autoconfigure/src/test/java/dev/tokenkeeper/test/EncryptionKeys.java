package dev.tokenkeeper.test;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encryption keys for fleet mode, as {@code tokenkeeper.store.redis.encryption-key} takes them.
 */
public final class EncryptionKeys {

	private static final SecureRandom random = new SecureRandom();

	private EncryptionKeys() {
	}

	/**
	 * A fresh key.
	 * @return Base64 of 32 random bytes
	 */
	public static String random() {
		byte[] key = new byte[32];
		random.nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
