package dev.tokenkeeper.autoconfigure;

import java.time.Duration;

import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.cache.TokenRetryPolicy;

/**
 * How long a blocking caller waits for a token at most: longer than the slowest token
 * request TokenKeeper makes (every attempt timing out, the longest backoff between them, and
 * in fleet mode the wait for another instance's lock), so the wait ends because the token
 * request ended, and the limit is only a safety net.
 *
 * @author TokenKeeper
 */
final class TokenWaitTimeout {

	private static final Duration MARGIN = Duration.ofSeconds(5);

	private TokenWaitTimeout() {
	}

	static Duration of(TokenKeeperRegistrations registrations, TokenKeeperProperties properties) {
		TokenKeeperProperties.TokenRequest request = properties.getTokenRequest();
		Duration attempt = request.getConnectTimeout().plus(request.getResponseTimeout());
		Duration longest = Duration.ZERO;
		for (TokenRegistration registration : registrations.registrations()) {
			TokenRetryPolicy retry = registration.retry();
			Duration all = attempt.multipliedBy(retry.maxAttempts())
				.plus(retry.maxBackoff().multipliedBy(retry.maxAttempts() - 1L));
			longest = (all.compareTo(longest) > 0) ? all : longest;
		}
		if (properties.getStore().getType() == TokenKeeperProperties.StoreType.REDIS) {
			TokenKeeperProperties.Store.Redis redis = properties.getStore().getRedis();
			longest = longest.plus(redis.getLockTimeout()).plus(redis.getCommandTimeout().multipliedBy(2));
		}
		return longest.plus(MARGIN);
	}

}
