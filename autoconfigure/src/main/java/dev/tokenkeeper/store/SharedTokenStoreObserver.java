package dev.tokenkeeper.store;

/**
 * Hears which path served each token the shared store handed out; metrics implement it.
 *
 * @author TokenKeeper
 */
@FunctionalInterface
public interface SharedTokenStoreObserver {

	/** Observes nothing. */
	SharedTokenStoreObserver NONE = (registrationId, result) -> {
	};

	/**
	 * A token was handed out.
	 * @param registrationId the registration's {@code client} tag: its id, or a run-time client's group
	 * @param result which path served it
	 */
	void served(String registrationId, Result result);

	/** Which path served a token; the {@code result} tag of {@code tokenkeeper.store.results}. */
	enum Result {

		/** A token another instance (or this one, earlier) had requested and shared. */
		SHARED("shared"),

		/** This instance requested the token and shared it with the others. */
		FETCHED("fetched"),

		/** The store could not be reached in time: this instance requested its own token. */
		FALLBACK("fallback");

		private final String tagValue;

		Result(String tagValue) {
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
