package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenkeeper.test.RedisServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token one instance drops (after a 401, or an eviction) is dropped from every instance's
 * near cache, through Redis pub/sub, without the token in the message.
 */
class FleetInvalidationTests {

	private static final Duration PROPAGATION = Duration.ofSeconds(5);

	private static RedisServer redis;

	private Fleet fleet;

	private List<FleetInstance> instances;

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void setUp() {
		redis.commands().flushall();
		this.fleet = new Fleet(redis.properties());
		this.instances = this.fleet.start(4);
		// every instance listens before the test drops anything
		await().atMost(Fleet.TIMEOUT)
			.until(() -> redis.commands()
				.pubsubNumsub(RedisSharedTokenStore.INVALIDATIONS)
				.getOrDefault(RedisSharedTokenStore.INVALIDATIONS, 0L) >= 4);
		this.fleet.tokenEndpointIssues("fleet-token-1");
		assertThat(this.fleet.call(this.instances, 1)).hasSize(4).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(1);
	}

	@AfterEach
	void tearDown() {
		this.fleet.close();
	}

	@Test
	void unauthorizedWhenOneInstanceDropsTheTokenThenEveryInstanceDropsItWithoutA401OfItsOwn() {
		apiRefuses("fleet-token-1");
		this.fleet.tokenEndpointIssues("fleet-token-2");
		assertThat(this.fleet.call(List.of(this.instances.get(0)), 1)).containsOnly("ok");
		await().atMost(PROPAGATION).until(() -> noneHolds("fleet-token-1"));

		assertThat(this.fleet.call(this.instances, 20)).hasSize(80).containsOnly("ok");
		// One new token for the fleet, and the refused token sent once since it was refused.
		assertThat(this.fleet.tokenRequests()).isEqualTo(2);
		assertThat(this.fleet.apiCallsWith("fleet-token-1")).isEqualTo(4 + 1);
		assertThat(this.fleet.apiCallsWith("fleet-token-2")).isEqualTo(1 + 80);
	}

	@Test
	void unauthorizedWhenEveryInstanceHasCallsInFlightThenOneNewTokenAndAtMostOne401PerCall() {
		apiRefuses("fleet-token-1");
		this.fleet.tokenEndpointIssues("fleet-token-2");
		assertThat(this.fleet.call(this.instances, 25)).hasSize(100).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(2);
		assertThat(this.fleet.apiCallsWith("fleet-token-1")).isLessThanOrEqualTo(4 + 100);
		assertThat(this.fleet.apiCallsWith("fleet-token-2")).isEqualTo(100);
	}

	@Test
	void evictWhenCalledOnOneInstanceThenEveryInstanceRequestsTheSameNewToken() {
		this.instances.get(0).tokens().evict(Fleet.REGISTRATION);
		await().atMost(PROPAGATION)
			.until(() -> this.instances.stream().allMatch((instance) -> instance.tokens().peek(Fleet.REGISTRATION) == null));
		this.fleet.tokenEndpointIssues("fleet-token-2");
		assertThat(this.fleet.call(this.instances, 20)).hasSize(80).containsOnly("ok");
		assertThat(this.fleet.tokenRequests()).isEqualTo(2);
		assertThat(this.fleet.apiCallsWith("fleet-token-2")).isEqualTo(80);
	}

	@Test
	void invalidationMessageWhenReadOnTheChannelThenNamesNoToken() {
		List<String> messages = new CopyOnWriteArrayList<>();
		RedisClient listener = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
		try (StatefulRedisPubSubConnection<String, String> connection = listener.connectPubSub()) {
			connection.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					messages.add(message);
				}

			});
			connection.sync().subscribe(RedisSharedTokenStore.INVALIDATIONS);
			apiRefuses("fleet-token-1");
			this.fleet.tokenEndpointIssues("fleet-token-2");
			assertThat(this.fleet.call(List.of(this.instances.get(0)), 1)).containsOnly("ok");
			await().atMost(PROPAGATION).until(() -> !messages.isEmpty());
		}
		finally {
			listener.shutdown();
		}
		assertThat(messages).singleElement().asString().doesNotContain("fleet-token").contains("tokenkeeper:token:");
	}

	private void apiRefuses(String token) {
		this.fleet.server()
			.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(aResponse().withStatus(401)));
	}

	private boolean noneHolds(String token) {
		return this.instances.stream().map((instance) -> instance.tokens().peek(Fleet.REGISTRATION))
			.allMatch((cached) -> cached == null || !cached.value().equals(token));
	}

}
