package dev.tokenkeeper.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;

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

	/** Per registration, the last principal's Mono: service calls use one principal. */
	private final Map<String, Authorize> lastAuthorize = new ConcurrentHashMap<>();

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
		String principalName = authorizeRequest.getPrincipal().getName();
		Authorize last = this.lastAuthorize.get(registrationId);
		if (last != null && last.principalName().equals(principalName)) {
			return last.client();
		}
		if (this.tokens.contains(registrationId)) {
			// the token is looked up on every subscription, never fixed at this call
			Mono<OAuth2AuthorizedClient> client = this.tokens.token(registrationId)
				.flatMap((token) -> token.authorizedClient(principalName));
			this.lastAuthorize.put(registrationId, new Authorize(principalName, client));
			return client;
		}
		ReactiveOAuth2AuthorizedClientManager others = this.others.get();
		if (others == null) {
			return Mono.error(UnknownRegistration.exception(registrationId));
		}
		return others.authorize(authorizeRequest);
	}

	private record Authorize(String principalName, Mono<OAuth2AuthorizedClient> client) {

	}

}
