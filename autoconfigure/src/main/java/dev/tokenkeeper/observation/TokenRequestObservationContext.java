package dev.tokenkeeper.observation;

import java.net.URI;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.TokenRequestOutcome;

/**
 * What is known of one HTTP attempt at a token endpoint, for the
 * {@code tokenkeeper.token.requests} observation. Carries no credential and no token.
 *
 * @author TokenKeeper
 */
public class TokenRequestObservationContext extends Observation.Context {

	private final String registrationId;

	private final URI tokenUri;

	private @Nullable TokenRequestOutcome outcome;

	private int status;

	/**
	 * Create a context for one attempt.
	 * @param registrationId the registration id, the {@code client} tag
	 * @param tokenUri the token endpoint
	 */
	public TokenRequestObservationContext(String registrationId, URI tokenUri) {
		this.registrationId = registrationId;
		this.tokenUri = tokenUri;
	}

	/**
	 * The registration the token is for.
	 * @return the registration id
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

	/**
	 * The token endpoint.
	 * @return the URI as configured
	 */
	public URI getTokenUri() {
		return this.tokenUri;
	}

	/**
	 * How the attempt ended.
	 * @return the outcome, or {@code null} while it runs
	 */
	public @Nullable TokenRequestOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Record how the attempt ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(@Nullable TokenRequestOutcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * The HTTP status the token endpoint answered with.
	 * @return the status, or {@code 0} when there was none (yet)
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * Record the HTTP status.
	 * @param status the status
	 */
	public void setStatus(int status) {
		this.status = status;
	}

}
