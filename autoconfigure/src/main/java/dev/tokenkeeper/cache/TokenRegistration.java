package dev.tokenkeeper.cache;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.TokenEndpointClient;
import dev.tokenkeeper.token.TokenEndpointDiscovery;
import dev.tokenkeeper.token.TokenLifetimePolicy;

/**
 * What the cache needs to know of one registration.
 *
 * @param id the registration id
 * @param credentials read on every token request, so refreshed configuration applies
 * @param lifetime when tokens are reused and refreshed
 * @param retry how the token endpoint is retried
 * @param client the registration's own token endpoint client (its SSL bundle or proxy), or
 * {@code null} for the cache's shared one
 * @param discovery finds the token endpoint of an {@code issuer-uri} registration, or
 * {@code null} when its credentials name it
 * @author TokenKeeper
 */
public record TokenRegistration(String id, Supplier<ClientCredentials> credentials, TokenLifetimePolicy lifetime,
		TokenRetryPolicy retry, @Nullable TokenEndpointClient client, @Nullable TokenEndpointDiscovery discovery) {

	/**
	 * A registration whose token requests go through the cache's shared client.
	 * @param id the registration id
	 * @param credentials read on every token request
	 * @param lifetime when tokens are reused and refreshed
	 * @param retry how the token endpoint is retried
	 */
	public TokenRegistration(String id, Supplier<ClientCredentials> credentials, TokenLifetimePolicy lifetime,
			TokenRetryPolicy retry) {
		this(id, credentials, lifetime, retry, null, null);
	}

	/**
	 * A registration whose token endpoint may be discovered from its issuer.
	 * @param id the registration id
	 * @param credentials read on every token request
	 * @param lifetime when tokens are reused and refreshed
	 * @param retry how the token endpoint is retried
	 * @param discovery finds the token endpoint of an {@code issuer-uri} registration
	 */
	public TokenRegistration(String id, Supplier<ClientCredentials> credentials, TokenLifetimePolicy lifetime,
			TokenRetryPolicy retry, TokenEndpointDiscovery discovery) {
		this(id, credentials, lifetime, retry, null, discovery);
	}

	/**
	 * This registration with a token endpoint client of its own.
	 * @param client the client
	 * @return the registration
	 */
	public TokenRegistration withClient(TokenEndpointClient client) {
		return new TokenRegistration(this.id, this.credentials, this.lifetime, this.retry, client, this.discovery);
	}

	/**
	 * The credentials of a token request with the token endpoint to send it to, discovered
	 * first when the registration has an {@code issuer-uri}.
	 * @param credentials the credentials as configured
	 * @param client the client the token request goes through
	 * @return the credentials, or a {@link dev.tokenkeeper.token.TokenEndpointException}
	 */
	Mono<ClientCredentials> resolve(ClientCredentials credentials, TokenEndpointClient client) {
		return (this.discovery != null) ? this.discovery.resolve(credentials, client) : Mono.just(credentials);
	}

	/**
	 * The credentials with the token endpoint known so far, without looking it up.
	 * @return the credentials
	 */
	ClientCredentials resolvedCredentials() {
		ClientCredentials credentials = this.credentials.get();
		return (this.discovery != null) ? this.discovery.cached(credentials) : credentials;
	}

}
