package dev.tokenkeeper.assertion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The JWK Set ({@code tokenkeeper.jwks.path}) of every {@code private-key-jwt}
 * registration's public keys: the signing key, the next one and, for the retention after a
 * rotation, the previous one. Built from public JWKs and serialized public-only, so no
 * private part can reach it.
 *
 * @author TokenKeeper
 */
public final class PublishedJwkSet {

	/** The media type of RFC 7517 section 8.5. */
	public static final String MEDIA_TYPE = "application/jwk-set+json";

	private final Supplier<? extends Collection<SigningKeys>> keys;

	private final Duration previousKeyRetention;

	/**
	 * A JWK Set of these keys.
	 * @param keys the registrations' signing keys
	 * @param previousKeyRetention how long a key replaced by a rotation stays published
	 */
	public PublishedJwkSet(Collection<SigningKeys> keys, Duration previousKeyRetention) {
		List<SigningKeys> copy = List.copyOf(keys);
		this.keys = () -> copy;
		this.previousKeyRetention = previousKeyRetention;
	}

	/**
	 * A JWK Set of the keys there are when it is asked for: registrations added or removed
	 * while the application runs are in it, or gone from it, from then on.
	 * @param keys the registrations' signing keys, now
	 * @param previousKeyRetention how long a key replaced by a rotation stays published
	 */
	public PublishedJwkSet(Supplier<? extends Collection<SigningKeys>> keys, Duration previousKeyRetention) {
		this.keys = keys;
		this.previousKeyRetention = previousKeyRetention;
	}

	/**
	 * The keys, now.
	 * @return the public JWKs
	 */
	public List<JWK> keys() {
		List<JWK> all = new ArrayList<>();
		this.keys.get().forEach((keys) -> keys.publishedKeys(this.previousKeyRetention).forEach((jwk) -> {
			if (all.stream().noneMatch((existing) -> existing.getKeyID().equals(jwk.getKeyID()))) {
				all.add(jwk);
			}
		}));
		return all;
	}

	/**
	 * The JWK Set as JSON.
	 * @return {@code {"keys":[…]}}, public parts only
	 */
	public String json() {
		Map<String, Object> json = new JWKSet(keys()).toJSONObject(true);
		return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(json);
	}

	@Override
	public String toString() {
		return "PublishedJwkSet[" + this.keys.get().size() + " registrations]";
	}

}
