package dev.tokenkeeper.observation;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;

/**
 * Binds the token cache's gauges: {@code tokenkeeper.token.ttl} per registration (seconds
 * until the cached token expires, 0 when none is usable) and Caffeine's statistics under the
 * cache name {@value #CACHE_NAME} ({@code cache.gets}, {@code cache.size}, …).
 *
 * @author TokenKeeper
 */
public final class TokenCacheMeterBinder implements MeterBinder {

	/** The TTL gauge's name. */
	public static final String TTL = "tokenkeeper.token.ttl";

	/** The {@code cache} tag of Caffeine's statistics. */
	public static final String CACHE_NAME = "tokenkeeper";

	private final TokenCache tokens;

	private final Clock clock;

	/**
	 * Create a binder.
	 * @param tokens the cache
	 * @param clock the clock the cache reads
	 */
	public TokenCacheMeterBinder(TokenCache tokens, Clock clock) {
		this.tokens = tokens;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String id : this.tokens.registrationIds()) {
			TimeGauge.builder(TTL, this, TimeUnit.MILLISECONDS, (binder) -> binder.ttlMillis(id))
				.description("Time until the cached token expires; 0 when there is none")
				.tag(TokenKeeperMetricsTags.CLIENT, id)
				.strongReference(true)
				.register(registry);
		}
		CaffeineCacheMetrics.monitor(registry, this.tokens.caffeine(), CACHE_NAME, Tags.empty());
	}

	private double ttlMillis(String registrationId) {
		CachedToken token = this.tokens.peek(registrationId);
		return (token != null) ? Math.max(0, token.expiresAt().toEpochMilli() - this.clock.millis()) : 0;
	}

}
