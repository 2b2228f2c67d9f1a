package dev.tokenkeeper.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short, one-way fingerprint of a token: the only form of a token that may be logged.
 *
 * @author TokenKeeper
 */
public final class TokenFingerprint {

	private TokenFingerprint() {
	}

	/**
	 * The first 8 hex digits of the token's SHA-256.
	 * @param token the token
	 * @return e.g. {@code 3fa9c2d1}
	 */
	public static String of(String token) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
