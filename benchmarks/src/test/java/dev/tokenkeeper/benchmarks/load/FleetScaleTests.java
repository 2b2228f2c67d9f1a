package dev.tokenkeeper.benchmarks.load;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.RedisFleet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet harness on a real {@code redis-server} with 3 instances and two simulated
 * minutes: it counts what Redis executed and what reached the token endpoint.
 */
class FleetScaleTests {

	private static RedisFleet redis;

	private static Connectors.Pooled pool;

	@BeforeAll
	static void start() {
		redis = RedisFleet.start();
		pool = Connectors.create("fleet-scale-tests");
	}

	@AfterEach
	void reset() {
		redis.reset();
	}

	@AfterAll
	static void stop() {
		pool.close();
		redis.close();
	}

	@Test
	void steadyWhenEveryLookupIsAHitThenRedisExecutesNothingAndTheFleetSharesOneToken() {
		Map<String, Object> steady = FleetScale.steady(redis, pool, 3, 1);

		assertThat((long) steady.get("lookups")).isPositive();
		assertThat(steady.get("redisCommands")).isEqualTo(0L);
		assertThat(steady.get("tokenRequests")).isEqualTo(1);
	}

	@Test
	void hourWhenTheClockMovesThenRedisIsUsedAndTokenRequestsStayWithinTheBound() {
		Duration twoMinutes = Duration.ofMinutes(2);
		Map<String, Object> hour = FleetScale.hour(redis, pool, 3, twoMinutes, Duration.ofSeconds(1));

		assertThat(hour.get("failed")).isEqualTo(0L);
		assertThat((long) hour.get("redisCommands")).isPositive();
		assertThat((int) hour.get("tokenRequests")).isBetween(2, (int) SimulatedHour.bound(twoMinutes));
	}

	@Test
	void alwaysUnavailableWhenEveryInstanceAsksThenOneRetryChainForTheFleet() {
		Map<String, Object> failing = FleetScale.alwaysUnavailable(redis, pool, 3);

		assertThat(failing.get("calls")).isEqualTo(150);
		assertThat(failing.get("failedCalls")).isEqualTo(150L);
		assertThat(failing.get("tokenRequests")).isEqualTo(3);
	}

	@Test
	void hitCpuWhenBothCachesHoldATokenThenBothAreMeasuredAndOneTokenRequestEach() {
		Map<String, Object> hit = FleetScale.hitCpu(redis, pool, 1);

		assertThat(hit).containsKeys("memoryCpuNanos", "redisCpuNanos", "redisToMemory");
		assertThat(hit.get("tokenRequests")).isEqualTo(2);
	}

}
