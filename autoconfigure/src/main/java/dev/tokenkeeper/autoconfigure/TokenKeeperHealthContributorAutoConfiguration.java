package dev.tokenkeeper.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import dev.tokenkeeper.actuate.TokenKeeperHealthContributor;
import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenCache;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@code tokenkeeper} health contributor, one component per registration. Switched
 * off with {@code management.health.tokenkeeper.enabled=false}.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(TokenCache.class)
public final class TokenKeeperHealthContributorAutoConfiguration {

	// The bean name gives the contributor its name: "tokenkeeper". The switch sits on the
	// method: its condition class is loaded only once the class conditions above passed.
	@Bean
	@ConditionalOnEnabledHealthIndicator("tokenkeeper")
	@ConditionalOnMissingBean(name = "tokenkeeperHealthContributor")
	TokenKeeperHealthContributor tokenkeeperHealthContributor(TokenCache tokens,
			ObjectProvider<SharedTokenStore> store) {
		return new TokenKeeperHealthContributor(tokens, store.getIfUnique(() -> SharedTokenStore.NONE));
	}

}
