package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenkeeper.test.RedisCluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fleet mode on a Redis Cluster of three masters, through Boot's
 * {@code spring.data.redis.cluster.*}: every script touches one key, so the token, its lock
 * and its failure record may live in different slots, on different nodes.
 */
class RedisClusterFleetTests {

	private static RedisCluster cluster;

	private Fleet fleet;

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void setUp() {
		// started by the first test, not in @BeforeAll: without a redis-server each test is then
		// reported as skipped (failed under CI=true), where an abort in @BeforeAll hides them all
		if (cluster == null) {
			cluster = RedisCluster.start();
		}
		IntStream.range(0, cluster.size()).forEach((node) -> cluster.node(node).flushall());
		this.fleet = new Fleet(cluster.properties());
	}

	@AfterEach
	void tearDown() {
		this.fleet.close();
	}

	@Test
	void fleetOfThreeWhenColdThenOneTokenRequestAndKeysSpreadOverSlots() {
		List<FleetInstance> instances = this.fleet.start(3);
		this.fleet.tokenEndpointIssues("fleet-token-1");
		assertThat(this.fleet.call(instances, 50)).hasSize(150).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(1);
		SharedTokenKey key = SharedTokenKey.of(instances.get(0).credentials());
		// No hash tags: the keys of one registration fall in different slots.
		List<Long> slots = List.of(key.token(), key.lock(), key.failure())
			.stream()
			.map((name) -> cluster.node(0).clusterKeyslot(name))
			.toList();
		assertThat(slots).doesNotHaveDuplicates();
		assertThat(IntStream.range(0, cluster.size()).mapToLong((node) -> cluster.node(node).dbsize()).sum())
			.isEqualTo(1);
	}

	@Test
	void failureAndEvictionWhenOnAClusterThenSharedAndPublishedToEveryInstance() {
		List<FleetInstance> instances = this.fleet.start(3, "tokenkeeper.retry.failure-cool-down=60s",
				"tokenkeeper.retry.max-attempts=1");
		this.fleet.server().stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(503)));
		assertThat(this.fleet.call(instances, 20)).hasSize(60).allMatch((result) -> result.contains("HTTP 503"));
		assertThat(this.fleet.tokenRequests()).isEqualTo(1);

		this.fleet.tokenEndpointIssues("fleet-token-1");
		this.fleet.advance(Duration.ofSeconds(61));
		assertThat(this.fleet.call(instances, 20)).hasSize(60).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(2);

		await().atMost(Fleet.TIMEOUT).untilAsserted(() -> {
			instances.get(0).tokens().evict(Fleet.REGISTRATION);
			assertThat(instances).allMatch((instance) -> instance.tokens().peek(Fleet.REGISTRATION) == null);
		});
		this.fleet.tokenEndpointIssues("fleet-token-2");
		assertThat(this.fleet.call(instances, 20)).hasSize(60).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(3);
	}

}
