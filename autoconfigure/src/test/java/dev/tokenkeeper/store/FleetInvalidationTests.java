package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


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

	@RegisterExtension
	static final FleetExtension fleet = new FleetExtension();

	private List<FleetInstance> instances;

	@BeforeEach
	void setUp() {
		this.instances = fleet.get().start(4);
		// every instance listens before the test drops anything
		await().atMost(Fleet.TIMEOUT)
			.until(() -> fleet.redis().commands()
				.pubsubNumsub(RedisSharedTokenStore.INVALIDATIONS)
				.getOrDefault(RedisSharedTokenStore.INVALIDATIONS, 0L) >= 4);
		fleet.get().tokenEndpointIssues("fleet-token-1");
		assertThat(fleet.get().call(this.instances, 1)).hasSize(4).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);
	}

	@Test
	void unauthorizedWhenOneInstanceDropsTheTokenThenEveryInstanceDropsItWithoutA401OfItsOwn() {
		apiRefuses("fleet-token-1");
		fleet.get().tokenEndpointIssues("fleet-token-2");
		assertThat(fleet.get().call(List.of(this.instances.get(0)), 1)).containsOnly("ok");
		await().atMost(PROPAGATION).until(() -> noneHolds("fleet-token-1"));

		assertThat(fleet.get().call(this.instances, 20)).hasSize(80).containsOnly("ok");
		// One new token for the fleet, and the refused token sent once since it was refused.
		assertThat(fleet.get().tokenRequests()).isEqualTo(2);
		assertThat(fleet.get().apiCallsWith("fleet-token-1")).isEqualTo(4 + 1);
		assertThat(fleet.get().apiCallsWith("fleet-token-2")).isEqualTo(1 + 80);
	}

	@Test
	void unauthorizedWhenEveryInstanceHasCallsInFlightThenOneNewTokenAndAtMostOne401PerCall() {
		apiRefuses("fleet-token-1");
		fleet.get().tokenEndpointIssues("fleet-token-2");
		assertThat(fleet.get().call(this.instances, 25)).hasSize(100).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(2);
		assertThat(fleet.get().apiCallsWith("fleet-token-1")).isLessThanOrEqualTo(4 + 100);
		assertThat(fleet.get().apiCallsWith("fleet-token-2")).isEqualTo(100);
	}

	@Test
	void evictWhenCalledOnOneInstanceThenEveryInstanceRequestsTheSameNewToken() {
		this.instances.get(0).tokens().evict(Fleet.REGISTRATION);
		await().atMost(PROPAGATION)
			.until(() -> this.instances.stream().allMatch((instance) -> instance.tokens().peek(Fleet.REGISTRATION) == null));
		fleet.get().tokenEndpointIssues("fleet-token-2");
		assertThat(fleet.get().call(this.instances, 20)).hasSize(80).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(2);
		assertThat(fleet.get().apiCallsWith("fleet-token-2")).isEqualTo(80);
	}

	@Test
	void invalidationMessageWhenReadOnTheChannelThenNamesNoToken() {
		List<String> messages = new CopyOnWriteArrayList<>();
		RedisClient listener = RedisClient.create(RedisURI.create(fleet.redis().host(), fleet.redis().port()));
		try (StatefulRedisPubSubConnection<String, String> connection = listener.connectPubSub()) {
			connection.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					messages.add(message);
				}

			});
			connection.sync().subscribe(RedisSharedTokenStore.INVALIDATIONS);
			apiRefuses("fleet-token-1");
			fleet.get().tokenEndpointIssues("fleet-token-2");
			assertThat(fleet.get().call(List.of(this.instances.get(0)), 1)).containsOnly("ok");
			await().atMost(PROPAGATION).until(() -> !messages.isEmpty());
		}
		finally {
			listener.shutdown();
		}
		assertThat(messages).singleElement().asString().doesNotContain("fleet-token").contains("tokenkeeper:token:");
	}

	private void apiRefuses(String token) {
		fleet.get().server()
			.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(aResponse().withStatus(401)));
	}

	private boolean noneHolds(String token) {
		return this.instances.stream().map((instance) -> instance.tokens().peek(Fleet.REGISTRATION))
			.allMatch((cached) -> cached == null || !cached.value().equals(token));
	}

}
