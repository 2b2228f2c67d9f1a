package dev.tokenkeeper.client;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;

/**
 * Spring Security's entry point to TokenKeeper's cache: {@code authorize} for a TokenKeeper
 * registration id returns that registration's cached token, whatever the principal. Ids it
 * does not know go to Spring Security's stock manager built from the application's own
 * registrations, so {@code oauth2Login} and {@code @RegisteredOAuth2AuthorizedClient} keep
 * working beside TokenKeeper (Spring Security skips its own manager once this bean exists).
 *
 * @author TokenKeeper
 */
public final class TokenKeeperAuthorizedClientManager implements ReactiveOAuth2AuthorizedClientManager {

	private final TokenCache tokens;

	private final Supplier<@Nullable ReactiveOAuth2AuthorizedClientManager> others;

	/**
	 * Create a manager.
	 * @param tokens the token cache
	 * @param others the manager for ids TokenKeeper does not know, resolved on first use;
	 * may supply {@code null} when the application has no registrations of its own
	 */
	public TokenKeeperAuthorizedClientManager(TokenCache tokens,
			Supplier<@Nullable ReactiveOAuth2AuthorizedClientManager> others) {
		this.tokens = tokens;
		this.others = others;
	}

	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizeRequest authorizeRequest) {
		String registrationId = authorizeRequest.getClientRegistrationId();
		if (this.tokens.contains(registrationId)) {
			String principalName = authorizeRequest.getPrincipal().getName();
			Mono<CachedToken> token = this.tokens.token(registrationId);
			CachedToken hit = hit(token);
			if (hit != null) {
				return hit.authorizedClient(principalName);
			}
			return token.flatMap((fetched) -> fetched.authorizedClient(principalName));
		}
		ReactiveOAuth2AuthorizedClientManager others = this.others.get();
		if (others == null) {
			return Mono.error(UnknownRegistration.exception(registrationId));
		}
		return others.authorize(authorizeRequest);
	}

	/** A cache hit is a prebuilt {@code Mono.just}: read it without subscribing another operator. */
	private static @Nullable CachedToken hit(Mono<CachedToken> token) {
		if (token instanceof Fuseable.ScalarCallable<?> scalar) {
			try {
				return (scalar.call() instanceof CachedToken cached) ? cached : null;
			}
			catch (Exception ex) {
				return null;
			}
		}
		return null;
	}

}
