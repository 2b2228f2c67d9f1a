package dev.tokenkeeper.assertion;

import java.security.KeyPair;

/**
 * Where a signing key comes from: a PEM resource or an SSL bundle's key store.
 *
 * @author TokenKeeper
 */
interface KeySource {

	/**
	 * A cheap marker of the key's current version (a file's modification time and size, a
	 * bundle's reload count): when it changes, the key is read again.
	 * @return the version
	 */
	Object version();

	/**
	 * Read the key.
	 * @return the key pair
	 * @throws InvalidSigningKeyException when it is missing or cannot be used
	 */
	KeyPair load();

}
