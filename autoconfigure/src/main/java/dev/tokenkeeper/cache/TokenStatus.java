package dev.tokenkeeper.cache;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.TokenEndpointException;

/**
 * A snapshot of one registration for the Actuator endpoint and health: never a token.
 *
 * @param registrationId the registration id
 * @param state the state
 * @param expiresAt when the cached token expires, or {@code null}
 * @param scopes the cached token's scopes, or empty
 * @param lastRefresh when the last token arrived, or {@code null}
 * @param lastError the last failure, or {@code null} once a later request succeeded
 * @author TokenKeeper
 */
public record TokenStatus(String registrationId, State state, @Nullable Instant expiresAt, Set<String> scopes,
		@Nullable Instant lastRefresh, @Nullable LastError lastError) {

	/** Where a registration stands. */
	public enum State {

		/** No token was requested yet. */
		NONE,

		/** A usable token is cached. */
		VALID,

		/** The last token expired or was dropped, and no failure is known. */
		EXPIRED,

		/** The last token request failed and no usable token is cached. */
		FAILED

	}

	/**
	 * The last failed token request.
	 * @param at when
	 * @param outcome the outcome tag value
	 * @param status the HTTP status, or 0
	 * @param error the OAuth2 error code, or {@code null}
	 * @param message the exception's message (never secret)
	 */
	public record LastError(Instant at, String outcome, int status, @Nullable String error, String message) {

		static LastError of(Instant at, TokenEndpointException ex) {
			String error = ex.getError().getErrorCode();
			return new LastError(at, ex.getOutcome().tagValue(), ex.getStatus(),
					"token_request_failed".equals(error) ? null : error, ex.getMessage());
		}

	}

}
