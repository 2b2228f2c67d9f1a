package dev.tokenkeeper.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A token as the endpoint issued it, before the lifetime policy decides when to reuse
 * and refresh it. {@link #toString()} never shows the token.
 *
 * @param value the access token
 * @param scopes the granted scopes, or those requested when the response names none
 * @param receivedAt when the response arrived (by the injected Clock)
 * @param lifetime how long the token lives from {@code receivedAt}
 * @param lifetimeSource which rule gave the lifetime
 * @param dpop whether the token is DPoP-bound ({@code token_type: DPoP}) rather than a bearer token
 * @author TokenKeeper
 */
public record IssuedToken(String value, Set<String> scopes, Instant receivedAt, Duration lifetime,
		LifetimeSource lifetimeSource, boolean dpop) {

	/**
	 * A bearer token.
	 * @param value the access token
	 * @param scopes the granted scopes
	 * @param receivedAt when the response arrived
	 * @param lifetime how long the token lives from {@code receivedAt}
	 * @param lifetimeSource which rule gave the lifetime
	 */
	public IssuedToken(String value, Set<String> scopes, Instant receivedAt, Duration lifetime,
			LifetimeSource lifetimeSource) {
		this(value, scopes, receivedAt, lifetime, lifetimeSource, false);
	}

	@Override
	public String toString() {
		return "IssuedToken[fingerprint=" + TokenFingerprint.of(this.value) + ", lifetime=" + this.lifetime
				+ " (" + this.lifetimeSource + "), receivedAt=" + this.receivedAt + (this.dpop ? ", DPoP" : "") + "]";
	}

	/** Which rule gave a token its lifetime. */
	public enum LifetimeSource {

		/** The response's {@code expires_in}. */
		EXPIRES_IN,

		/** The JWT's {@code exp} (less {@code iat}, or less now). */
		JWT_EXP,

		/** Neither was usable: {@code default-lifetime}. */
		DEFAULT

	}

}
