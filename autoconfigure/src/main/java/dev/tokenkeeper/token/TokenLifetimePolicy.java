package dev.tokenkeeper.token;

import java.time.Duration;
import java.time.Instant;

/**
 * When a token may be sent and when to refresh it. The skew is {@code expiry-skew}, or half
 * the lifetime when the lifetime is shorter than twice the skew, so short-lived tokens are
 * still reused. A 300 s token with the defaults is usable for 240 s and refreshed from 192 s;
 * a 60 s token is usable for 30 s and refreshed from 24 s.
 *
 * @param expirySkew the margin before expiry within which a token is never sent
 * @param refreshAhead the fraction of the usable life after which a background refresh starts
 * @param defaultLifetime the lifetime when neither {@code expires_in} nor a JWT {@code exp} tells
 * @author TokenKeeper
 */
public record TokenLifetimePolicy(Duration expirySkew, double refreshAhead, Duration defaultLifetime) {

	public TokenLifetimePolicy {
		if (expirySkew.isNegative()) {
			throw new IllegalArgumentException("expirySkew must not be negative");
		}
		if (!(refreshAhead > 0 && refreshAhead <= 1)) {
			throw new IllegalArgumentException("refreshAhead must be in (0, 1]");
		}
		if (defaultLifetime.isNegative() || defaultLifetime.isZero()) {
			throw new IllegalArgumentException("defaultLifetime must be positive");
		}
	}

	/**
	 * The instant after which the token is never sent.
	 * @param token the issued token
	 * @return {@code receivedAt + lifetime - skew}
	 */
	public Instant usableUntil(IssuedToken token) {
		return token.receivedAt().plus(usableLife(token.lifetime()));
	}

	/**
	 * The instant after which the next caller triggers a background refresh.
	 * @param token the issued token
	 * @return {@code receivedAt + refreshAhead × (lifetime - skew)}
	 */
	public Instant refreshAt(IssuedToken token) {
		long usableMillis = usableLife(token.lifetime()).toMillis();
		return token.receivedAt().plusMillis((long) (usableMillis * this.refreshAhead));
	}

	private Duration usableLife(Duration lifetime) {
		Duration skew = (lifetime.compareTo(this.expirySkew.multipliedBy(2)) < 0) ? lifetime.dividedBy(2)
				: this.expirySkew;
		return lifetime.minus(skew);
	}

}
