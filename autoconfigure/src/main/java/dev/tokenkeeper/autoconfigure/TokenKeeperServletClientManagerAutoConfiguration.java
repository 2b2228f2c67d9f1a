package dev.tokenkeeper.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import dev.tokenkeeper.cache.BlockingTokens;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.client.TokenKeeperServletAuthorizedClientManager;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for Spring Security's blocking {@code OAuth2AuthorizedClientManager}, served from
 * TokenKeeper's cache for TokenKeeper's ids and by Spring Security's stock manager for the
 * application's own registrations. Backs off when the application defines a manager of its
 * own: a second bean of that type would make its injection points ambiguous.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class)
@ConditionalOnClass(OAuth2AuthorizedClientManager.class)
@ConditionalOnBean(TokenCache.class)
public final class TokenKeeperServletClientManagerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(OAuth2AuthorizedClientManager.class)
	TokenKeeperServletAuthorizedClientManager tokenKeeperServletAuthorizedClientManager(TokenCache tokens,
			TokenKeeperRegistrations registrations, TokenKeeperProperties properties,
			ObjectProvider<ClientRegistrationRepository> repository,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClientService, BeanFactory beanFactory) {
		return new TokenKeeperServletAuthorizedClientManager(
				new BlockingTokens(tokens, TokenWaitTimeout.of(registrations, properties)),
				UserServletClientManager.of(repository, authorizedClientService, beanFactory));
	}

}
