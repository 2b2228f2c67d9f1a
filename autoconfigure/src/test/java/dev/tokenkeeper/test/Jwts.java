package dev.tokenkeeper.test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Unsigned JWT stand-ins with chosen claims; TokenKeeper decodes, never verifies.
 */
public final class Jwts {

	private Jwts() {
	}

	public static String jwt(String claimsJson) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String header = encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
		String claims = encoder.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
		return header + "." + claims + ".c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
	}

}
