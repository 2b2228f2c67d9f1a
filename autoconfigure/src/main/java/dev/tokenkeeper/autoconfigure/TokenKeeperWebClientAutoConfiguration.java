package dev.tokenkeeper.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.routing.ClientLookups;
import dev.tokenkeeper.web.TokenKeeperExchangeFilterFunction;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that puts TokenKeeper's filter on every {@code WebClient} built from Spring Boot's
 * {@code WebClient.Builder}.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class,
		beforeName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnClass({ WebClient.class, WebClientCustomizer.class })
@ConditionalOnBean(TokenCache.class)
public final class TokenKeeperWebClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TokenKeeperExchangeFilterFunction tokenKeeperExchangeFilterFunction(TokenCache tokens,
			TokenKeeperRegistrations registrations, TokenKeeperProperties properties,
			UserClientRegistrations userRegistrations, ObjectProvider<RuntimeClients> clients) {
		return new TokenKeeperExchangeFilterFunction(tokens, registrations.router(),
				properties.getReplay().getUnauthorizedCoolDown(), userRegistrations::contains,
				(clients.getIfAvailable() != null) ? clients.getIfAvailable() : ClientLookups.NONE);
	}

	@Bean
	WebClientCustomizer tokenKeeperWebClientCustomizer(TokenKeeperExchangeFilterFunction filter) {
		return (builder) -> builder.filters((filters) -> {
			if (!filters.contains(filter)) {
				filters.add(filter);
			}
		});
	}

}
