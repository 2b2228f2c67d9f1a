package dev.tokenkeeper.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.cache.TokenRetryPolicy;
import dev.tokenkeeper.store.RedisSharedTokenStore;
import dev.tokenkeeper.store.SharedTokenStoreMetrics;
import dev.tokenkeeper.store.SharedTokenStoreObserver;
import dev.tokenkeeper.store.TokenEncryption;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for fleet mode: with {@code tokenkeeper.store.type=redis}, instances share tokens through
 * the Redis connection Spring Boot configures from {@code spring.data.redis.*}.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(before = TokenKeeperAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ ReactiveRedisConnectionFactory.class, ReactiveStringRedisTemplate.class })
@ConditionalOnBooleanProperty(name = "tokenkeeper.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "tokenkeeper.store.type", havingValue = "redis")
@EnableConfigurationProperties(TokenKeeperProperties.class)
public final class TokenKeeperRedisAutoConfiguration {

	private static final Log logger = LogFactory.getLog(TokenKeeperRedisAutoConfiguration.class);

	private static final String PREFIX = "tokenkeeper.store.redis.";

	@Bean
	@ConditionalOnMissingBean(SharedTokenStore.class)
	@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
	RedisSharedTokenStore tokenKeeperSharedTokenStore(ReactiveRedisConnectionFactory connectionFactory,
			TokenKeeperProperties properties,
			@Qualifier(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME) ObjectProvider<Clock> clock,
			ObjectProvider<SharedTokenStoreObserver> observer, ObjectProvider<TokenKeeperRegistrations> registrations) {
		TokenKeeperProperties.Store.Redis redis = properties.getStore().getRedis();
		List<Problem> problems = new ArrayList<>();
		TokenEncryption encryption = encryption(redis, problems);
		positive(redis.getCommandTimeout(), "command-timeout", problems);
		positive(redis.getLockTimeout(), "lock-timeout", problems);
		positive(redis.getPollInterval(), "poll-interval", problems);
		if (!problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
		if (!encryption.isEncrypted()) {
			logger.warn("TokenKeeper stores tokens in Redis unencrypted (tokenkeeper.store.redis.allow-plaintext=true):"
					+ " anyone who can read Redis can use them, and anyone who can write to it can inject tokens"
					+ " that this application then sends to its APIs");
		}
		return new RedisSharedTokenStore(connectionFactory, encryption, clock.getIfAvailable(Clock::systemUTC),
				redis.getCommandTimeout(), redis.getLockTimeout(), redis.getPollInterval(),
				longestTokenRequest(properties, registrations.getIfAvailable()),
				observer.getIfUnique(() -> SharedTokenStoreObserver.NONE));
	}

	/**
	 * The longest one token request can take, of any registration: every attempt running
	 * into its connect and response timeouts, and the longest backoff between attempts (the
	 * jittered backoff never exceeds {@code max-backoff}).
	 */
	static Duration longestTokenRequest(TokenKeeperProperties properties,
			@Nullable TokenKeeperRegistrations registrations) {
		TokenKeeperProperties.TokenRequest request = properties.getTokenRequest();
		Duration attempt = request.getConnectTimeout().plus(request.getResponseTimeout());
		List<TokenRetryPolicy> policies = (registrations != null)
				? registrations.registrations().stream().map(TokenRegistration::retry).toList() : List.of();
		TokenKeeperProperties.Retry defaults = properties.getRetry();
		Duration longest = attempt.multipliedBy(defaults.getMaxAttempts())
			.plus(defaults.getMaxBackoff().multipliedBy(Math.max(0, defaults.getMaxAttempts() - 1)));
		for (TokenRetryPolicy policy : policies) {
			Duration own = attempt.multipliedBy(policy.maxAttempts())
				.plus(policy.maxBackoff().multipliedBy(policy.maxAttempts() - 1));
			longest = (own.compareTo(longest) > 0) ? own : longest;
		}
		return longest;
	}

	private static @Nullable TokenEncryption encryption(TokenKeeperProperties.Store.Redis redis,
			List<Problem> problems) {
		String key = redis.getEncryptionKey();
		if (!StringUtils.hasText(key)) {
			if (redis.isAllowPlaintext()) {
				return TokenEncryption.plaintext();
			}
			problems.add(new Problem(PREFIX + "encryption-key", "must be set when tokenkeeper.store.type=redis: "
					+ "Base64 of 32 random bytes (e.g. 'openssl rand -base64 32'), the same on every instance; "
					+ "or set " + PREFIX + "allow-plaintext=true to store tokens unencrypted"));
			return null;
		}
		try {
			return TokenEncryption.aesGcm(key);
		}
		catch (IllegalArgumentException ex) {
			// The message describes the key's shape, never the key.
			problems.add(new Problem(PREFIX + "encryption-key", ex.getMessage()));
			return null;
		}
	}

	private static void positive(@Nullable Duration duration, String name, List<Problem> problems) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			problems.add(new Problem(PREFIX + name, "must be positive"));
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class SharedTokenStoreMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(MeterRegistry.class)
		SharedTokenStoreMetrics tokenKeeperSharedTokenStoreMetrics(MeterRegistry registry) {
			return new SharedTokenStoreMetrics(registry);
		}

	}

}
