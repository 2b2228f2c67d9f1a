package dev.tokenkeeper.cache;

/**
 * Hears what the token cache does, per registration; metrics implement it. Called on the
 * hot path: implementations must be cheap and never block.
 *
 * @author TokenKeeper
 */
public interface TokenCacheObserver {

	/** Observes nothing. */
	TokenCacheObserver NONE = (registrationId) -> RegistrationObserver.NONE;

	/**
	 * The observer for one registration, asked once when the cache starts.
	 * @param registrationId the registration id
	 * @return its observer
	 */
	RegistrationObserver forRegistration(String registrationId);

	/** What happens to one registration's tokens. */
	interface RegistrationObserver {

		/** Observes nothing. */
		RegistrationObserver NONE = new RegistrationObserver() {
		};

		/**
		 * A lookup was answered.
		 * @param result how
		 */
		default void lookup(LookupResult result) {
		}

		/**
		 * A cached token was dropped.
		 * @param reason why
		 */
		default void invalidated(InvalidationReason reason) {
		}

		/**
		 * A request was sent again with the DPoP nonce a server asked for.
		 * @param source who asked
		 */
		default void dpopNonceRetry(NonceSource source) {
		}

	}

	/** Who asked for a DPoP nonce; the {@code source} tag of {@code tokenkeeper.dpop.nonce.retries}. */
	enum NonceSource {

		/** The token endpoint ({@code 400 use_dpop_nonce}). */
		TOKEN_ENDPOINT("token_endpoint"),

		/** The API ({@code 401} with a {@code use_dpop_nonce} DPoP challenge). */
		API("api");

		private final String tagValue;

		NonceSource(String tagValue) {
			this.tagValue = tagValue;
		}

		/**
		 * The tag value.
		 * @return the lower-case value
		 */
		public String tagValue() {
			return this.tagValue;
		}

	}

	/** How a lookup was answered; the {@code result} tag of {@code tokenkeeper.token.lookups}. */
	enum LookupResult {

		/** A usable cached token. */
		HIT("hit"),

		/** No usable token: this caller started a token request. */
		MISS("miss"),

		/** No usable token: this caller joined a token request already in flight. */
		WAIT("wait"),

		/** No usable token, and a recent failure was answered at once. */
		FAILED("failed");

		private final String tagValue;

		LookupResult(String tagValue) {
			this.tagValue = tagValue;
		}

		/**
		 * The tag value.
		 * @return the lower-case value
		 */
		public String tagValue() {
			return this.tagValue;
		}

	}

	/** Why a token was dropped; the {@code reason} tag of {@code tokenkeeper.token.invalidations}. */
	enum InvalidationReason {

		/** The API answered 401 to it. */
		UNAUTHORIZED("unauthorized"),

		/** An operator or application asked. */
		MANUAL("manual");

		private final String tagValue;

		InvalidationReason(String tagValue) {
			this.tagValue = tagValue;
		}

		/**
		 * The tag value.
		 * @return the lower-case value
		 */
		public String tagValue() {
			return this.tagValue;
		}

	}

}
