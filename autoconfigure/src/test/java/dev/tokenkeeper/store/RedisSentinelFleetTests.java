package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenkeeper.test.RedisSentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fleet mode behind Redis Sentinel (one master, one replica, three sentinels), through
 * Boot's {@code spring.data.redis.sentinel.*}: a failover loses no call.
 */
class RedisSentinelFleetTests {

	private RedisSentinel sentinel;

	private Fleet fleet;

	@BeforeEach
	void setUp() {
		this.sentinel = RedisSentinel.start();
		this.fleet = new Fleet(this.sentinel.properties());
	}

	@AfterEach
	void tearDown() {
		if (this.fleet != null) {
			this.fleet.close();
		}
		if (this.sentinel != null) {
			this.sentinel.close();
		}
	}

	@Test
	void masterWhenKilledDuringSteadyCallsThenNoCallFailsAndAtMostOneExtraTokenRequest() {
		List<FleetInstance> instances = this.fleet.start(3);
		this.fleet.tokenEndpointIssues("fleet-token-1");
		assertThat(this.fleet.call(instances, 20)).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(1);

		// Steady calls, round after round, while the master dies and the replica takes over.
		List<String> results = new ArrayList<>();
		CompletableFuture<Void> failover = CompletableFuture.runAsync(this.sentinel::killMaster);
		while (!failover.isDone()) {
			results.addAll(this.fleet.call(instances, 10));
		}
		failover.join();
		await().atMost(Fleet.TIMEOUT).until(() -> instances.stream().allMatch(FleetInstance::redisAnswers));
		results.addAll(this.fleet.call(instances, 10));
		assertThat(results).isNotEmpty().containsOnly("ok");

		// The promoted replica has the shared token: a new instance takes it from there.
		FleetInstance late = this.fleet.start(1).get(0);
		assertThat(this.fleet.call(List.of(late), 10)).containsOnly("ok");
		// After expiry, the fleet refreshes through the new master.
		this.fleet.tokenEndpointIssues("fleet-token-2");
		this.fleet.advance(Duration.ofSeconds(300));
		assertThat(this.fleet.call(instances, 20)).hasSize(60).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isBetween(2, 3);
		assertThat(this.fleet.apiCallsWith("fleet-token-2")).isEqualTo(60);
	}

}
