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

	/**
	 * The key of the Reactor context entry that carries the {@code client} tag of a token
	 * request: for a client registered at run time its group, so that meters stay bounded
	 * however many clients there are. Without it the tag is the registration id.
	 */
	public static final String CLIENT_TAG_KEY = TokenRequestObservationContext.class.getName() + ".client";

	private final String registrationId;

	private final String client;

	private final URI tokenUri;

	private @Nullable TokenRequestOutcome outcome;

	private int status;

	/**
	 * Create a context for one attempt.
	 * @param registrationId the registration id, the {@code client} tag
	 * @param tokenUri the token endpoint
	 */
	public TokenRequestObservationContext(String registrationId, URI tokenUri) {
		this(registrationId, registrationId, tokenUri);
	}

	/**
	 * Create a context for one attempt of a client registered at run time.
	 * @param registrationId the registration id
	 * @param client the {@code client} tag: the registration id, or a run-time client's group
	 * @param tokenUri the token endpoint
	 */
	public TokenRequestObservationContext(String registrationId, String client, URI tokenUri) {
		this.registrationId = registrationId;
		this.client = client;
		this.tokenUri = tokenUri;
	}

	/**
	 * The {@code client} tag: the registration id, or the group of a client registered at run
	 * time.
	 * @return the tag value
	 */
	public String getClient() {
		return this.client;
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
