package dev.tokenkeeper.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tokenkeeper.token.ClientCredentials;

/**
 * The Redis keys of one registration's shared token and of its lock, derived from what the
 * token is minted for: profile, token URI, client id, audience, scopes and extra parameters,
 * and for DPoP the thumbprint of the key the token is bound to.
 * Instances configured otherwise (or a rolling deploy that changes scopes) therefore never
 * share a token. The secret is not part of it: a rotated secret mints the same kind of token.
 *
 * @param token the key of the shared token, {@code tokenkeeper:token:<sha-256 hex>}
 * @param lock the key of its lock, {@code tokenkeeper:lock:<sha-256 hex>}
 * @param failure the key of the last failed request's record,
 * {@code tokenkeeper:failure:<sha-256 hex>}
 * @author TokenKeeper
 */
record SharedTokenKey(String token, String lock, String failure) {

	static final String TOKEN_PREFIX = "tokenkeeper:token:";

	static final String LOCK_PREFIX = "tokenkeeper:lock:";

	static final String FAILURE_PREFIX = "tokenkeeper:failure:";

	static SharedTokenKey of(ClientCredentials credentials) {
		String hash = hash(credentials);
		return new SharedTokenKey(TOKEN_PREFIX + hash, LOCK_PREFIX + hash, FAILURE_PREFIX + hash);
	}

	private static String hash(ClientCredentials credentials) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			// Every field length-prefixed, so that no two settings hash alike by concatenation.
			write(out, "tokenkeeper-v1");
			write(out, credentials.profile().configName());
			write(out, credentials.tokenUri().toString());
			write(out, credentials.clientId());
			out.writeBoolean(credentials.audience() != null);
			write(out, (credentials.audience() != null) ? credentials.audience() : "");
			List<String> scopes = credentials.scopes().stream().sorted().distinct().toList();
			out.writeInt(scopes.size());
			for (String scope : scopes) {
				write(out, scope);
			}
			Map<String, String> extras = new TreeMap<>(credentials.additionalParameters());
			out.writeInt(extras.size());
			for (Map.Entry<String, String> extra : extras.entrySet()) {
				write(out, extra.getKey());
				write(out, extra.getValue());
			}
			if (credentials.dpop() != null) {
				// a DPoP-bound token works only with its key: share it only with instances holding it
				write(out, "dpop");
				write(out, credentials.dpop().key().thumbprint());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void write(DataOutputStream out, String value) throws IOException {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

}
