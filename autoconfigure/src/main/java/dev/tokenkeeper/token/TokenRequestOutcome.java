package dev.tokenkeeper.token;

/**
 * How one HTTP attempt at a token endpoint ended; the {@code outcome} tag of
 * {@code tokenkeeper.token.requests}.
 *
 * @author TokenKeeper
 */
public enum TokenRequestOutcome {

	/** A token was issued and read. */
	SUCCESS("success", false),

	/** A 4xx other than 429: bad credentials, no grant, bad request. Not retried. */
	CLIENT_ERROR("client_error", false),

	/** A 5xx that is not a disguised rate limit. Retried with backoff. */
	SERVER_ERROR("server_error", true),

	/** A 429, or a rate limit reported under another status. Not retried before it lifts. */
	RATE_LIMITED("rate_limited", false),

	/** No response: connection refused or reset, timeout. Retried with backoff. */
	IO_ERROR("io_error", true),

	/** A response that is not a usable token: garbage, no access_token, a redirect, too large. */
	INVALID_RESPONSE("invalid_response", false);

	private final String tagValue;

	private final boolean retryable;

	TokenRequestOutcome(String tagValue, boolean retryable) {
		this.tagValue = tagValue;
		this.retryable = retryable;
	}

	/**
	 * The value of the {@code outcome} tag.
	 * @return e.g. {@code rate_limited}
	 */
	public String tagValue() {
		return this.tagValue;
	}

	/**
	 * Whether another attempt may succeed soon (connection errors, timeouts, 5xx).
	 * @return whether to retry with backoff
	 */
	public boolean isRetryable() {
		return this.retryable;
	}

}
