package dev.tokenkeeper.cache;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.TokenEndpointClient;
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
 * @author TokenKeeper
 */
public record TokenRegistration(String id, Supplier<ClientCredentials> credentials, TokenLifetimePolicy lifetime,
		TokenRetryPolicy retry, @Nullable TokenEndpointClient client) {

	/**
	 * A registration whose token requests go through the cache's shared client.
	 * @param id the registration id
	 * @param credentials read on every token request
	 * @param lifetime when tokens are reused and refreshed
	 * @param retry how the token endpoint is retried
	 */
	public TokenRegistration(String id, Supplier<ClientCredentials> credentials, TokenLifetimePolicy lifetime,
			TokenRetryPolicy retry) {
		this(id, credentials, lifetime, retry, null);
	}

	/**
	 * This registration with a token endpoint client of its own.
	 * @param client the client
	 * @return the registration
	 */
	public TokenRegistration withClient(TokenEndpointClient client) {
		return new TokenRegistration(this.id, this.credentials, this.lifetime, this.retry, client);
	}

}
