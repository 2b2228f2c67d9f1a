package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.tokenkeeper.actuate.TokenKeeperHealthContributor;
import dev.tokenkeeper.cache.SharedTokenStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis paused ({@code CLIENT PAUSE}) rather than stopped: it accepts connections and
 * commands but answers none, the way an overloaded or stalled Redis looks. Calls keep
 * working within TokenKeeper's command timeout, and health shows the store's state.
 */
class FleetRedisPausedTests {

	private static final long PAUSE_MILLIS = 8000;

	@RegisterExtension
	static final FleetExtension fleet = new FleetExtension();

	@Test
	void redisWhenPausedThenCallsNeedingATokenWorkWithinTheCommandTimeoutAndHealthShowsTheFallbacks() {
		List<FleetInstance> instances = fleet.get().start(3, "tokenkeeper.store.redis.command-timeout=500ms");
		fleet.get().tokenEndpointIssues("fleet-token-1");
		assertThat(fleet.get().call(instances, 20)).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);
		assertThat(store(instances.get(0))).containsEntry("reachable", true)
			.containsEntry("fallbacks", 0L)
			.doesNotContainKey("lastError");

		fleet.redis().commands().clientPause(PAUSE_MILLIS);
		fleet.get().tokenEndpointIssues("fleet-token-2");
		fleet.get().advance(Duration.ofSeconds(300));
		long start = System.nanoTime();
		assertThat(fleet.get().call(instances, 20)).hasSize(60).containsOnly("ok");
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		// Each instance gave up on Redis after 500 ms and fetched its own token, well before
		// the pause ended (slack for a busy machine).
		assertThat(took).isLessThan(Duration.ofMillis(PAUSE_MILLIS - 2000));
		assertThat(fleet.get().tokenRequests()).isEqualTo(1 + 3);
		for (FleetInstance instance : instances) {
			assertThat(instance.storeResults("fallback")).isEqualTo(1);
			Map<String, Object> store = store(instance);
			assertThat(store).containsEntry("type", "redis").containsEntry("reachable", false).containsEntry("fallbacks", 1L);
			assertThat(store.get("lastError")).asString().contains("type=timeout");
			assertThat(health(instance).getStatus()).isEqualTo(Status.UP);
		}

		// Once Redis answers again, the fleet shares again.
		await().atMost(Fleet.TIMEOUT).until(() -> instances.stream().allMatch(FleetInstance::redisAnswers));
		fleet.get().tokenEndpointIssues("fleet-token-3");
		fleet.get().advance(Duration.ofSeconds(300));
		assertThat(fleet.get().call(instances, 20)).hasSize(60).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(1 + 3 + 1);
		assertThat(store(instances.get(0))).containsEntry("reachable", true);
	}

	private static Health health(FleetInstance instance) {
		TokenKeeperHealthContributor contributor = new TokenKeeperHealthContributor(instance.tokens(),
				instance.bean(SharedTokenStore.class));
		return ((HealthIndicator) contributor.getContributor(Fleet.REGISTRATION)).health(true);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> store(FleetInstance instance) {
		return (Map<String, Object>) health(instance).getDetails().get("store");
	}

}
