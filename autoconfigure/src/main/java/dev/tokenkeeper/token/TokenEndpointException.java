package dev.tokenkeeper.token;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A token endpoint did not issue a usable token. Names the registration, the HTTP status,
 * and the provider's OAuth2 {@code error}/{@code error_description} or a short redacted
 * excerpt of an error body; never a secret (in any encoding), a token, the token URI's query,
 * the request body, or any of a success body but its size and content type.
 * <p>
 * A {@link ClientAuthorizationException}, so Spring Security code that handles failed
 * authorizations handles this one too.
 *
 * @author TokenKeeper
 */
public class TokenEndpointException extends ClientAuthorizationException {

	private static final String UNKNOWN_ERROR = "token_request_failed";

	private final TokenRequestOutcome outcome;

	private final int status;

	private final @Nullable Duration retryAfter;

	private final boolean coolingDown;

	TokenEndpointException(String registrationId, TokenRequestOutcome outcome, int status,
			@Nullable String error, @Nullable String description, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		this(registrationId, outcome, status, error, description, retryAfter, cause, false);
	}

	private TokenEndpointException(String registrationId, TokenRequestOutcome outcome, int status,
			@Nullable String error, @Nullable String description, @Nullable Duration retryAfter,
			@Nullable Throwable cause, boolean coolingDown) {
		super(new OAuth2Error((error != null) ? error : UNKNOWN_ERROR, description, null), registrationId,
				message(registrationId, outcome, status, error, description), cause);
		this.outcome = outcome;
		this.status = status;
		this.retryAfter = retryAfter;
		this.coolingDown = coolingDown;
	}

	private static String message(String registrationId, TokenRequestOutcome outcome, int status,
			@Nullable String error, @Nullable String description) {
		StringBuilder message = new StringBuilder("Token request for registration '").append(registrationId)
			.append("' failed (").append(outcome.tagValue());
		if (status > 0) {
			message.append(", HTTP ").append(status);
		}
		message.append(')');
		if (error != null) {
			message.append(": ").append(error);
		}
		if (description != null) {
			message.append((error != null) ? " - " : ": ").append(description);
		}
		return message.toString();
	}

	/**
	 * The same failure, reported again to a caller that arrived while it still holds.
	 * @param registrationId the registration
	 * @param failure the failure being replayed
	 * @param retryAfter how long until a new request may be sent
	 * @return a new exception for this caller
	 */
	public static TokenEndpointException coolingDown(String registrationId, TokenEndpointException failure,
			Duration retryAfter) {
		return new TokenEndpointException(registrationId, failure.outcome, failure.status,
				failure.getError().getErrorCode(), describeCoolDown(failure, retryAfter), retryAfter, failure, true);
	}

	/**
	 * A failure another instance of the fleet had, reported to a caller here while it still
	 * holds, as that instance reports it to its own callers.
	 * @param registrationId the registration
	 * @param outcome how the other instance's request ended
	 * @param status the HTTP status it got, or {@code 0}
	 * @param error the OAuth2 error code it got
	 * @param description the description it got (already redacted)
	 * @param retryAfter how long until a new request may be sent
	 * @return a new exception for this caller
	 */
	public static TokenEndpointException coolingDown(String registrationId, TokenRequestOutcome outcome, int status,
			@Nullable String error, @Nullable String description, Duration retryAfter) {
		return coolingDown(registrationId,
				new TokenEndpointException(registrationId, outcome, status, error, description, null, null), retryAfter);
	}

	private static String describeCoolDown(TokenEndpointException failure, Duration retryAfter) {
		String description = failure.getError().getDescription();
		String wait = "no new request for " + Math.max(1, retryAfter.toMillis()) + " ms after the last failure";
		return (description != null) ? description + " (" + wait + ")" : wait;
	}

	/**
	 * Whether this reports again a failure that still holds, rather than a request that was
	 * just sent: {@link #getRetryAfter()} is then the time left before a new request.
	 * @return whether no request was sent for this exception
	 */
	public boolean isCoolingDown() {
		return this.coolingDown;
	}

	/**
	 * How the attempt ended.
	 * @return the outcome, never {@code SUCCESS}
	 */
	public TokenRequestOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * The HTTP status the token endpoint answered with.
	 * @return the status, or {@code 0} when there was no response
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * How long the provider asked to wait ({@code Retry-After}, {@code x-ratelimit-reset}),
	 * or the time left before TokenKeeper sends another request.
	 * @return the wait, or {@code null}
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

}
