package dev.tokenkeeper.observation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tokenkeeper.cache.TokenCacheObserver;

/**
 * Counts lookups ({@code tokenkeeper.token.lookups}, tags {@code client} and
 * {@code result}) and invalidations ({@code tokenkeeper.token.invalidations}, tags
 * {@code client} and {@code reason}). Every counter is registered when the cache starts, so
 * each shows 0 until it first counts, and counting is one array read and one increment.
 *
 * @author TokenKeeper
 */
public final class TokenCacheMetrics implements TokenCacheObserver {

	/** The lookup counter's name. */
	public static final String LOOKUPS = "tokenkeeper.token.lookups";

	/** The invalidation counter's name. */
	public static final String INVALIDATIONS = "tokenkeeper.token.invalidations";

	private final MeterRegistry registry;

	/**
	 * Create the metrics.
	 * @param registry where counters are registered
	 */
	public TokenCacheMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public RegistrationObserver forRegistration(String registrationId) {
		LookupResult[] results = LookupResult.values();
		Counter[] lookups = new Counter[results.length];
		for (LookupResult result : results) {
			lookups[result.ordinal()] = Counter.builder(LOOKUPS)
				.description("Token lookups by how they were answered")
				.tag(TokenKeeperMetricsTags.CLIENT, registrationId)
				.tag("result", result.tagValue())
				.register(this.registry);
		}
		InvalidationReason[] reasons = InvalidationReason.values();
		Counter[] invalidations = new Counter[reasons.length];
		for (InvalidationReason reason : reasons) {
			invalidations[reason.ordinal()] = Counter.builder(INVALIDATIONS)
				.description("Cached tokens dropped before their expiry")
				.tag(TokenKeeperMetricsTags.CLIENT, registrationId)
				.tag("reason", reason.tagValue())
				.register(this.registry);
		}
		return new CountingObserver(lookups, invalidations);
	}

	private static final class CountingObserver implements RegistrationObserver {

		private final Counter[] lookups;

		private final Counter[] invalidations;

		CountingObserver(Counter[] lookups, Counter[] invalidations) {
			this.lookups = lookups;
			this.invalidations = invalidations;
		}

		@Override
		public void lookup(LookupResult result) {
			this.lookups[result.ordinal()].increment();
		}

		@Override
		public void invalidated(InvalidationReason reason) {
			this.invalidations[reason.ordinal()].increment();
		}

	}

}
