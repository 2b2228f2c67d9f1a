package dev.tokenkeeper.client;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

import dev.tokenkeeper.cache.BlockingTokens;
import dev.tokenkeeper.cache.CachedToken;

/**
 * Spring Security's servlet (blocking) entry point to TokenKeeper's cache: {@code authorize}
 * for a TokenKeeper registration id returns that registration's cached token, whatever the
 * principal, for Spring Security's {@code OAuth2ClientHttpRequestInterceptor},
 * {@code @RegisteredOAuth2AuthorizedClient} and code of the application's own. Ids it does
 * not know go to Spring Security's stock manager built from the application's own
 * registrations, so {@code oauth2Login} keeps working beside TokenKeeper (Spring Security
 * registers no manager of its own once this bean exists).
 *
 * @author TokenKeeper
 */
public final class TokenKeeperServletAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private final BlockingTokens tokens;

	private final Supplier<@Nullable OAuth2AuthorizedClientManager> others;

	/**
	 * Create a manager.
	 * @param tokens the token cache, waited on by the calling thread
	 * @param others the manager for ids TokenKeeper does not know, resolved on first use;
	 * may supply {@code null} when the application has no registrations of its own
	 */
	public TokenKeeperServletAuthorizedClientManager(BlockingTokens tokens,
			Supplier<@Nullable OAuth2AuthorizedClientManager> others) {
		this.tokens = tokens;
		this.others = others;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest authorizeRequest) {
		String registrationId = authorizeRequest.getClientRegistrationId();
		if (this.tokens.cache().contains(registrationId)) {
			CachedToken token = this.tokens.token(registrationId);
			return new OAuth2AuthorizedClient(token.clientRegistration(), authorizeRequest.getPrincipal().getName(),
					token.accessToken());
		}
		OAuth2AuthorizedClientManager others = this.others.get();
		if (others == null) {
			throw UnknownRegistration.exception(registrationId);
		}
		return others.authorize(authorizeRequest);
	}

}
