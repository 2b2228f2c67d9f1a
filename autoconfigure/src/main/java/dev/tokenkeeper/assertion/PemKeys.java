package dev.tokenkeeper.assertion;

import java.security.KeyPair;

import dev.tokenkeeper.assertion.InvalidSigningKeyException.Subject;
import dev.tokenkeeper.keys.PemKeyReader;
import dev.tokenkeeper.keys.UnreadablePemKeyException;

/**
 * Reads a {@code jwt.signing-key} PEM through the shared {@link PemKeyReader}: an RSA or EC
 * key, unencrypted, optionally followed by its certificate or public key. Errors say what is
 * wrong, never what the file holds.
 *
 * @author TokenKeeper
 */
final class PemKeys {

	private PemKeys() {
	}

	static KeyPair read(String pem) {
		if (pem.contains("ENCRYPTED")) {
			throw new InvalidSigningKeyException(Subject.KEY, "is an encrypted PEM key; TokenKeeper reads "
					+ "unencrypted keys (decrypt it with 'openssl pkcs8 -topk8 -nocrypt', keep the file readable "
					+ "by the application only), or use a password-protected key store through jwt.ssl-bundle");
		}
		try {
			return PemKeyReader.read(pem, "RSA", "EC");
		}
		catch (UnreadablePemKeyException ex) {
			throw new InvalidSigningKeyException(Subject.KEY,
					(ex.getProblem() != UnreadablePemKeyException.Problem.UNSUPPORTED_KEY) ? ex.getMessage()
							: "holds neither an RSA nor an EC private key (or a malformed one)");
		}
	}

}
