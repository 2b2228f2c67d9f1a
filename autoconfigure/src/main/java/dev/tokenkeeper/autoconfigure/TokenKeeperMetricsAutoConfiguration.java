package dev.tokenkeeper.autoconfigure;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.observation.TokenCacheMeterBinder;
import dev.tokenkeeper.observation.TokenCacheMetrics;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for TokenKeeper's meters: {@code tokenkeeper.token.lookups},
 * {@code tokenkeeper.token.invalidations}, {@code tokenkeeper.token.ttl} and Caffeine's
 * statistics of the token cache. The {@code tokenkeeper.token.requests} Timer comes from the
 * observation of that name, through the application's {@code ObservationRegistry}.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TokenCache.class })
public final class TokenKeeperMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TokenCacheMetrics tokenKeeperTokenCacheMetrics(MeterRegistry registry) {
		return new TokenCacheMetrics(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	TokenCacheMeterBinder tokenKeeperTokenCacheMeterBinder(TokenCache tokens,
			@Qualifier(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME) ObjectProvider<Clock> clock) {
		return new TokenCacheMeterBinder(tokens, clock.getIfAvailable(Clock::systemUTC));
	}

}
