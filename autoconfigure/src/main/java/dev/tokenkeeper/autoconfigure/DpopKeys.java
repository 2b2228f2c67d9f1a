package dev.tokenkeeper.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Dpop;
import dev.tokenkeeper.dpop.DpopKey;
import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.dpop.InvalidDpopKeyException;

/**
 * A registration's DPoP key from {@code dpop.*}, read and checked at start-up: a problem
 * names {@code dpop.key} (missing, unreadable, not a PKCS#8 private key) or
 * {@code dpop.algorithm} (a key of another kind), never key material.
 *
 * @author TokenKeeper
 */
final class DpopKeys {

	/** A PEM private key is a few KiB at most; anything larger is not one. */
	private static final int MAX_PEM_BYTES = 64 * 1024;

	private DpopKeys() {
	}

	static @Nullable DpopProofs proofs(String prefix, Dpop dpop, Clock clock, List<Problem> problems) {
		if (!dpop.isEnabled()) {
			return null;
		}
		Resource resource = dpop.getKey();
		if (resource == null) {
			return new DpopProofs(DpopKey.generate(dpop.getAlgorithm()), clock);
		}
		String pem = read(resource);
		if (pem == null) {
			problems.add(new Problem(prefix + "dpop.key", "cannot be read (" + resource.getDescription() + ")"));
			return null;
		}
		try {
			return new DpopProofs(DpopKey.fromPem(dpop.getAlgorithm(), pem), clock);
		}
		catch (InvalidDpopKeyException ex) {
			problems.add(new Problem(prefix + (ex.isAlgorithmMismatch() ? "dpop.algorithm" : "dpop.key"),
					ex.isAlgorithmMismatch() ? ex.getMessage() + " (dpop.key holds the other kind)" : ex.getMessage()));
			return null;
		}
	}

	private static @Nullable String read(Resource resource) {
		if (!resource.exists()) {
			return null;
		}
		try (InputStream in = resource.getInputStream()) {
			byte[] bytes = in.readNBytes(MAX_PEM_BYTES + 1);
			return (bytes.length > MAX_PEM_BYTES) ? "" : new String(bytes, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			return null;
		}
	}

}
