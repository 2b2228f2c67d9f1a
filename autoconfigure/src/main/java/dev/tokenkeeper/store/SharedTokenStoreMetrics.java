package dev.tokenkeeper.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the tokens the shared store handed out as {@code tokenkeeper.store.results}, tagged
 * with the registration ({@code client}) and the path that served it ({@code result}).
 *
 * @author TokenKeeper
 */
public final class SharedTokenStoreMetrics implements SharedTokenStoreObserver {

	/** The counter's name. */
	public static final String METRIC_NAME = "tokenkeeper.store.results";

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Count into the given registry.
	 * @param registry the registry
	 */
	public SharedTokenStoreMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void served(String registrationId, Result result) {
		this.counters.computeIfAbsent(registrationId + '\0' + result.tagValue(), (key) -> Counter.builder(METRIC_NAME)
			.description("Tokens handed out by the shared token store, by the path that served them")
			.tag("client", registrationId)
			.tag("result", result.tagValue())
			.register(this.registry)).increment();
	}

}
