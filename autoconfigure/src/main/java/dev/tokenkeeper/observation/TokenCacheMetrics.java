package dev.tokenkeeper.observation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tokenkeeper.cache.TokenCacheObserver;

/**
 * Counts lookups ({@code tokenkeeper.token.lookups}, tags {@code client} and
 * {@code result}) and invalidations ({@code tokenkeeper.token.invalidations}, tags
 * {@code client} and {@code reason}). Every counter is registered when the cache starts, so
 * each shows 0 until it first counts, and counting is one array read and one increment.
 * DPoP nonce retries ({@code tokenkeeper.dpop.nonce.retries}, tags {@code client} and
 * {@code source}) are registered when they first happen: most registrations never see one.
 *
 * @author TokenKeeper
 */
public final class TokenCacheMetrics implements TokenCacheObserver {

	/** The lookup counter's name. */
	public static final String LOOKUPS = "tokenkeeper.token.lookups";

	/** The invalidation counter's name. */
	public static final String INVALIDATIONS = "tokenkeeper.token.invalidations";

	/** The DPoP nonce retry counter's name. */
	public static final String DPOP_NONCE_RETRIES = "tokenkeeper.dpop.nonce.retries";

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
		return new CountingObserver(lookups, invalidations, this.registry, registrationId);
	}

	private static final class CountingObserver implements RegistrationObserver {

		private final MeterRegistry registry;

		private final String registrationId;

		private final Counter[] lookups;

		private final Counter[] invalidations;

		CountingObserver(Counter[] lookups, Counter[] invalidations, MeterRegistry registry, String registrationId) {
			this.lookups = lookups;
			this.invalidations = invalidations;
			this.registry = registry;
			this.registrationId = registrationId;
		}

		@Override
		public void lookup(LookupResult result) {
			this.lookups[result.ordinal()].increment();
		}

		@Override
		public void invalidated(InvalidationReason reason) {
			this.invalidations[reason.ordinal()].increment();
		}

		@Override
		public void dpopNonceRetry(NonceSource source) {
			Counter.builder(DPOP_NONCE_RETRIES)
				.description("Requests sent again with the DPoP nonce a server asked for")
				.tag(TokenKeeperMetricsTags.CLIENT, this.registrationId)
				.tag("source", source.tagValue())
				.register(this.registry)
				.increment();
		}

	}

}
