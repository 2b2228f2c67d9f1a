package dev.tokenkeeper.cache;

import java.util.function.Supplier;

import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.TokenLifetimePolicy;

/**
 * What the cache needs to know of one registration.
 *
 * @param id the registration id
 * @param credentials read on every token request, so refreshed configuration applies
 * @param lifetime when tokens are reused and refreshed
 * @param retry how the token endpoint is retried
 * @author TokenKeeper
 */
public record TokenRegistration(String id, Supplier<ClientCredentials> credentials, TokenLifetimePolicy lifetime,
		TokenRetryPolicy retry) {

}
