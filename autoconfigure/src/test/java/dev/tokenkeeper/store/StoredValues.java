package dev.tokenkeeper.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Looks into, and tampers with, values as {@link TokenEncryption} stores them in Redis.
 */
final class StoredValues {

	private StoredValues() {
	}

	/** The payload after the format and tag, decoded, as text to search for a token in. */
	static String payloadText(String stored) {
		byte[] payload = Base64.getDecoder().decode(stored.substring(stored.lastIndexOf('.') + 1));
		return new String(payload, StandardCharsets.ISO_8859_1);
	}

	/** The value with one Base64 character of its payload changed. */
	static String tampered(String stored) {
		int index = stored.length() - 5;
		return stored.substring(0, index) + ((stored.charAt(index) == 'A') ? 'B' : 'A') + stored.substring(index + 1);
	}

}
