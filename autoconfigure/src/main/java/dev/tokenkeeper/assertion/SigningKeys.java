package dev.tokenkeeper.assertion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.jwk.JWK;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.io.Resource;

/**
 * The signing keys of one {@code private-key-jwt} registration: the key that signs, the
 * optional next one ({@code jwt.next-signing-key}, published before it signs) and, after a
 * rotation, the previous one for a retention period judged by the {@link Clock}.
 * <p>
 * A token request (never an API call) asks for the key; that is when a changed file or a
 * reloaded bundle is noticed, by a cheap version check. A key that no longer loads (a file
 * half-written, say) leaves the last good key signing, with a warning that names the
 * registration but not the key.
 *
 * @author TokenKeeper
 */
public final class SigningKeys {

	private static final Log logger = LogFactory.getLog(SigningKeys.class);

	private final String registrationId;

	private final KeySource source;

	private final @Nullable KeySource nextSource;

	private final SigningAlgorithms algorithms;

	private final @Nullable String keyId;

	private final Clock clock;

	private final ReentrantLock reload = new ReentrantLock();

	private final List<Retired> retired = new CopyOnWriteArrayList<>();

	private volatile Loaded current;

	private volatile @Nullable Loaded next;

	private SigningKeys(String registrationId, KeySource source, @Nullable KeySource nextSource,
			SigningAlgorithms algorithms, @Nullable String keyId, Clock clock) {
		this.registrationId = registrationId;
		this.source = source;
		this.nextSource = nextSource;
		this.algorithms = algorithms;
		this.keyId = keyId;
		this.clock = clock;
		this.current = load(source, keyId);
		this.next = (nextSource != null) ? load(nextSource, null) : null;
	}

	/**
	 * Keys from PEM resources.
	 * @param registrationId the registration id, for log messages
	 * @param signingKey the PEM private key
	 * @param nextSigningKey the PEM private key published before it signs, or {@code null}
	 * @param algorithms which algorithm each key signs with
	 * @param keyId the {@code kid} of the signing key, or {@code null} for its thumbprint
	 * @param clock the clock rotations are timed by
	 * @return the keys
	 * @throws InvalidSigningKeyException when the signing key cannot be used; its subject
	 * says whether the key or the algorithm is at fault
	 */
	public static SigningKeys pem(String registrationId, Resource signingKey, @Nullable Resource nextSigningKey,
			SigningAlgorithms algorithms, @Nullable String keyId, Clock clock) {
		return new SigningKeys(registrationId, new PemKeySource(signingKey),
				(nextSigningKey != null) ? new PemKeySource(nextSigningKey) : null, algorithms, keyId, clock);
	}

	/**
	 * The key of an SSL bundle's key store entry, following the bundle's reloads.
	 * @param registrationId the registration id, for log messages
	 * @param bundles the application's SSL bundles
	 * @param bundle the bundle name
	 * @param alias the key store entry, or {@code null} for the bundle's key alias or the
	 * only key entry
	 * @param nextSigningKey the PEM private key published before it signs, or {@code null}
	 * @param algorithms which algorithm each key signs with
	 * @param keyId the {@code kid}, or {@code null} for its thumbprint
	 * @param clock the clock rotations are timed by
	 * @return the keys
	 */
	public static SigningKeys sslBundle(String registrationId, SslBundles bundles, String bundle,
			@Nullable String alias, @Nullable Resource nextSigningKey, SigningAlgorithms algorithms,
			@Nullable String keyId, Clock clock) {
		return new SigningKeys(registrationId, new SslBundleKeySource(bundles, bundle, alias),
				(nextSigningKey != null) ? new PemKeySource(nextSigningKey) : null, algorithms, keyId, clock);
	}

	private Loaded load(KeySource source, @Nullable String keyId) {
		Object version = source.version();
		return new Loaded(SigningKey.of(source.load(), this.algorithms, keyId), version);
	}

	/**
	 * The key that signs now, read again first if its source changed.
	 * @return the signing key
	 */
	public SigningKey signingKey() {
		refresh();
		return this.current.key;
	}

	/**
	 * The public keys to publish: the signing key, the next one and those retired less than
	 * {@code retention} ago.
	 * @param retention how long a retired key stays published
	 * @return the public JWKs, without private parts
	 */
	public List<JWK> publishedKeys(Duration retention) {
		refresh();
		Instant now = this.clock.instant();
		this.retired.removeIf((retired) -> !now.isBefore(retired.at.plus(retention)));
		List<JWK> keys = new ArrayList<>();
		List<String> ids = new ArrayList<>();
		add(keys, ids, this.current.key);
		Loaded next = this.next;
		if (next != null) {
			add(keys, ids, next.key);
		}
		this.retired.forEach((retired) -> add(keys, ids, retired.key));
		return keys;
	}

	private static void add(List<JWK> keys, List<String> ids, SigningKey key) {
		if (!ids.contains(key.keyId())) {
			ids.add(key.keyId());
			keys.add(key.publicJwk());
		}
	}

	private void refresh() {
		Loaded current = this.current;
		Loaded next = this.next;
		boolean changed = !Objects.equals(current.version, this.source.version())
				|| (next != null && !Objects.equals(next.version, this.nextSource.version()));
		// whoever finds the lock taken signs with the key it has: never wait on a reload
		if (!changed || !this.reload.tryLock()) {
			return;
		}
		try {
			if (!Objects.equals(this.current.version, this.source.version())) {
				Loaded reloaded = tryLoad(this.source, this.keyId, "jwt.signing-key");
				if (reloaded != null) {
					SigningKey previous = this.current.key;
					this.current = reloaded;
					if (!previous.keyId().equals(reloaded.key.keyId())) {
						this.retired.add(new Retired(previous, this.clock.instant()));
						if (logger.isInfoEnabled()) {
							logger.info("Registration '" + this.registrationId + "' signs with key " + reloaded.key.keyId()
									+ " from now on (was " + previous.keyId() + ")");
						}
					}
				}
			}
			Loaded loadedNext = this.next;
			if (loadedNext != null && !Objects.equals(loadedNext.version, this.nextSource.version())) {
				Loaded reloaded = tryLoad(this.nextSource, null, "jwt.next-signing-key");
				if (reloaded != null) {
					this.next = reloaded;
				}
			}
		}
		finally {
			this.reload.unlock();
		}
	}

	private @Nullable Loaded tryLoad(KeySource source, @Nullable String keyId, String property) {
		try {
			return load(source, keyId);
		}
		catch (InvalidSigningKeyException ex) {
			if (logger.isWarnEnabled()) {
				logger.warn("tokenkeeper.clients." + this.registrationId + "." + property + " changed but "
						+ ex.getMessage() + "; the previous key keeps signing");
			}
			return null;
		}
	}

	@Override
	public String toString() {
		return "SigningKeys[registration=" + this.registrationId + ", current=" + this.current.key + "]";
	}

	private record Loaded(SigningKey key, Object version) {

	}

	private record Retired(SigningKey key, Instant at) {

	}

}
