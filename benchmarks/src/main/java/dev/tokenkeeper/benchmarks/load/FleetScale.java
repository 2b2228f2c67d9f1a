package dev.tokenkeeper.benchmarks.load;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.RedisFleet;
import dev.tokenkeeper.benchmarks.support.SimulatedClock;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.cache.TokenCache;

/**
 * Measure 8, fleet mode at scale (issue 14): instances (each a {@link TokenCache} with its own
 * Redis connection and store) sharing one real {@code redis-server}, all on one simulated
 * clock.
 * <ul>
 * <li>steady state: Redis commands per instance per minute while every lookup is a hit
 * (between refreshes), counted by {@code INFO commandstats};</li>
 * <li>a simulated hour of 60 s tokens: token requests for the whole fleet, against one per
 * refresh period plus one;</li>
 * <li>an always-503 provider: 50 concurrent first lookups per instance, token requests for
 * the fleet against one instance's retry chain ({@code retry.max-attempts});</li>
 * <li>a cached token in fleet mode against memory mode, in CPU time per lookup.</li>
 * </ul>
 */
public final class FleetScale {

	private static final String ID = "partner";

	private FleetScale() {
	}

	public static void main(String[] args) {
		int size = Results.intProperty("fleet.instances", 16);
		int steadySeconds = Results.intProperty("fleet.steadySeconds", 10);
		Duration hour = Duration.ofSeconds(Results.intProperty("fleet.hourSeconds", 3600));
		Duration step = Duration.ofMillis(Results.intProperty("fleet.stepMillis", 500));
		String loadBefore = Results.loadAverage();
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("instances", size);
		try (RedisFleet redis = RedisFleet.start(); Connectors.Pooled pool = Connectors.create("fleet-scale")) {
			results.putAll(redis.describe());
			results.put("steady", steady(redis, pool, size, steadySeconds));
			redis.reset();
			results.put("hour", hour(redis, pool, size, hour, step));
			redis.reset();
			results.put("alwaysUnavailable", alwaysUnavailable(redis, pool, size));
			redis.reset();
			results.put("hitCpu", hitCpu(redis, pool, Results.intProperty("fleet.hitRounds", 10)));
		}
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		results.forEach((name, value) -> System.out.println(name + ": " + value));
		Results.write(Results.outputDir(args), "fleet-scale", results);
		System.exit(0);
	}

	static Map<String, Object> steady(RedisFleet redis, Connectors.Pooled pool, int size, int seconds) {
		SimulatedClock clock = new SimulatedClock(Instant.parse("2025-01-01T00:00:00Z"));
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(clock, Duration.ofHours(1), Duration.ZERO)) {
			List<TokenCache> fleet = caches(redis, pool, size, clock, tokenEndpoint);
			fleet.forEach((cache) -> cache.token(ID).block(Duration.ofSeconds(30)));
			long before = redis.commandsExecutedWhenQuiet();
			long lookups = 0;
			long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
			// the clock stays put: every lookup is between refreshes
			while (System.nanoTime() < end) {
				for (TokenCache cache : fleet) {
					cache.token(ID).block();
					lookups++;
				}
			}
			long commands = redis.commandsExecuted() - before;
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("realSeconds", seconds);
			result.put("lookups", lookups);
			result.put("redisCommands", commands);
			result.put("redisCommandsPerInstancePerMinute", commands * 60.0 / seconds / size);
			result.put("tokenRequests", tokenEndpoint.requests());
			return result;
		}
	}

	static Map<String, Object> hour(RedisFleet redis, Connectors.Pooled pool, int size, Duration hour,
			Duration step) {
		SimulatedClock clock = new SimulatedClock(Instant.parse("2025-01-01T00:00:00Z"));
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(clock, SimulatedHour.TOKEN_LIFETIME,
				Duration.ZERO)) {
			List<TokenCache> fleet = caches(redis, pool, size, clock, tokenEndpoint);
			long before = redis.commandsExecuted();
			long lookups = 0;
			long failed = 0;
			long start = System.nanoTime();
			for (long i = 0; i < hour.toMillis() / step.toMillis(); i++) {
				for (TokenCache cache : fleet) {
					try {
						cache.token(ID).block(Duration.ofSeconds(30));
					}
					catch (RuntimeException ex) {
						failed++;
					}
					lookups++;
				}
				clock.advance(step);
			}
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("simulatedSeconds", hour.toSeconds());
			result.put("stepMillis", step.toMillis());
			result.put("lookups", lookups);
			result.put("failed", failed);
			result.put("tokenRequests", tokenEndpoint.requests());
			result.put("bound", SimulatedHour.bound(hour));
			result.put("redisCommands", redis.commandsExecuted() - before);
			result.put("wallMillis", (System.nanoTime() - start) / 1_000_000);
			return result;
		}
	}

	static Map<String, Object> alwaysUnavailable(RedisFleet redis, Connectors.Pooled pool, int size) {
		SimulatedClock clock = new SimulatedClock(Instant.parse("2025-01-01T00:00:00Z"));
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(clock, SimulatedHour.TOKEN_LIFETIME,
				Duration.ZERO)) {
			tokenEndpoint.failWith(503);
			List<TokenCache> fleet = caches(redis, pool, size, clock, tokenEndpoint);
			int callsEach = 50;
			List<Boolean> failedCalls = Flux.fromIterable(fleet)
				.flatMap((cache) -> Flux.range(0, callsEach)
					.flatMap((i) -> cache.token(ID).map((token) -> false).onErrorResume((ex) -> Mono.just(true))))
				.collectList()
				.block(Duration.ofMinutes(2));
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("calls", failedCalls.size());
			result.put("failedCalls", failedCalls.stream().filter((failed) -> failed).count());
			result.put("tokenRequests", tokenEndpoint.requests());
			result.put("oneInstancesRetryChain", TokenKeeperStack.RETRY.maxAttempts());
			return result;
		}
	}

	/**
	 * A cached token in fleet mode against memory mode, in this thread's CPU time
	 * ({@link CpuRounds}, which other work on a shared machine hardly changes, unlike JMH's wall
	 * time); the ratio is taken within each round.
	 */
	static Map<String, Object> hitCpu(RedisFleet redis, Connectors.Pooled pool, int rounds) {
		SimulatedClock clock = new SimulatedClock(Instant.parse("2025-01-01T00:00:00Z"));
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(clock, Duration.ofHours(1), Duration.ZERO)) {
			List<BenchRegistration> registrations = List
				.of(new BenchRegistration(ID, tokenEndpoint.tokenUri(), "http://127.0.0.1:1/api"));
			Map<String, TokenCache> caches = new LinkedHashMap<>();
			caches.put("memory", TokenKeeperStack.create(registrations, clock, pool.connector()).cache());
			caches.put("redis", caches(redis, pool, 1, clock, tokenEndpoint).get(0));
			caches.values().forEach((cache) -> cache.token(ID).block(Duration.ofSeconds(30)));
			Map<String, Supplier<?>> lookups = new LinkedHashMap<>();
			caches.forEach((name, cache) -> lookups.put(name, () -> SyncSubscriber.get(cache.token(ID))));
			List<Map<String, Double>> measured = CpuRounds.run(lookups, 1_000_000, rounds);
			Map<String, Object> result = CpuRounds.summaries(measured);
			result.put("redisToMemory",
					CpuRounds.summary(measured, (round) -> round.get("redis") / round.get("memory")));
			result.put("tokenRequests", tokenEndpoint.requests());
			return result;
		}
	}

	private static List<TokenCache> caches(RedisFleet redis, Connectors.Pooled pool, int size, SimulatedClock clock,
			TokenEndpointStub tokenEndpoint) {
		List<BenchRegistration> registrations = List
			.of(new BenchRegistration(ID, tokenEndpoint.tokenUri(), "http://127.0.0.1:1/api"));
		return redis.instances(size, registrations, clock, pool.connector())
			.stream()
			.map(TokenKeeperStack::cache)
			.toList();
	}

}
