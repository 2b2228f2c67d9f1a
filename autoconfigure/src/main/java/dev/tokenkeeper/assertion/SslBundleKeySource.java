package dev.tokenkeeper.assertion;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.tokenkeeper.assertion.InvalidSigningKeyException.Subject;

/**
 * The private key of an SSL bundle's key store entry. Boot reloads a bundle with
 * {@code reload-on-update}; the update handler swaps the bundle, and the next token request
 * signs with its key.
 *
 * @author TokenKeeper
 */
final class SslBundleKeySource implements KeySource {

	private final @Nullable String alias;

	private final AtomicInteger reloads = new AtomicInteger();

	private volatile SslBundle bundle;

	SslBundleKeySource(SslBundles bundles, String name, @Nullable String alias) {
		try {
			this.bundle = bundles.getBundle(name);
			bundles.addBundleUpdateHandler(name, (updated) -> {
				this.bundle = updated;
				this.reloads.incrementAndGet();
			});
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSigningKeyException(Subject.KEY, "names no SSL bundle: define '" + name
					+ "' under spring.ssl.bundle.jks or spring.ssl.bundle.pem");
		}
		this.alias = alias;
	}

	@Override
	public Object version() {
		return this.reloads.get();
	}

	@Override
	public KeyPair load() {
		SslBundle bundle = this.bundle;
		KeyStore keyStore = bundle.getStores().getKeyStore();
		if (keyStore == null) {
			throw new InvalidSigningKeyException(Subject.KEY, "names an SSL bundle without a key store");
		}
		try {
			String alias = alias(keyStore);
			String password = bundle.getKey().getPassword();
			if (password == null) {
				password = bundle.getStores().getKeyStorePassword();
			}
			Key key = keyStore.getKey(alias, (password != null) ? password.toCharArray() : new char[0]);
			Certificate certificate = keyStore.getCertificate(alias);
			if (!(key instanceof PrivateKey privateKey) || certificate == null) {
				throw new InvalidSigningKeyException(Subject.KEY,
						"names an SSL bundle whose entry '" + alias + "' holds no private key with a certificate");
			}
			return new KeyPair(certificate.getPublicKey(), privateKey);
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidSigningKeyException(Subject.KEY,
					"names an SSL bundle whose key cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private String alias(KeyStore keyStore) throws GeneralSecurityException {
		String configured = (this.alias != null) ? this.alias : this.bundle.getKey().getAlias();
		if (configured != null) {
			if (!keyStore.isKeyEntry(configured)) {
				throw new InvalidSigningKeyException(Subject.KEY,
						"names an SSL bundle without a key entry '" + configured + "' (jwt.key-alias)");
			}
			return configured;
		}
		List<String> keys = new ArrayList<>();
		for (String alias : Collections.list(keyStore.aliases())) {
			if (keyStore.isKeyEntry(alias)) {
				keys.add(alias);
			}
		}
		if (keys.size() != 1) {
			throw new InvalidSigningKeyException(Subject.KEY, "names an SSL bundle with " + keys.size()
					+ " key entries; set jwt.key-alias to say which one signs");
		}
		return keys.get(0);
	}

}
