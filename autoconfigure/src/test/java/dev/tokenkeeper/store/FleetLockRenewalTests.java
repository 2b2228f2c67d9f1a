package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tokenkeeper.test.TcpForwarder;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fetch lock of a fleet lives as long as its owner's token request, however long that
 * takes, and outlives an owner that died by at most {@code lock-timeout}.
 */
class FleetLockRenewalTests {

	@RegisterExtension
	static final FleetExtension fleet = new FleetExtension();

	@Test
	void tokenRequestWhenSlowerThanTheLockTimeoutThenTheLockIsExtendedAndTheFleetSendsOne() {
		List<FleetInstance> instances = fleet.get().start(3, "tokenkeeper.store.redis.lock-timeout=1s");
		fleet.get().server()
			.stubFor(post("/oauth2/token").willReturn(Fleet.tokenResponse("fleet-token-1").withFixedDelay(3000)));
		assertThat(fleet.get().call(instances, 20)).hasSize(60).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);
		assertThat(fleet.get().apiCallsWith("fleet-token-1")).isEqualTo(60);
	}

	@Test
	void ownerWhenCutOffMidRequestThenAnotherInstanceTakesTheLockWithinTheLockTimeout() {
		// The owner reaches Redis through a forwarder: cutting it stops the owner's renewals
		// and its release, as a crash would.
		try (TcpForwarder forwarder = new TcpForwarder(fleet.redis().port())) {
			FleetInstance owner = fleet.get().start(
					List.of("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + forwarder.port()),
					"tokenkeeper.store.redis.lock-timeout=1s");
			List<FleetInstance> others = fleet.get().start(2, "tokenkeeper.store.redis.lock-timeout=1s");
			// The owner's request hangs for 20 s; any later one is answered at once.
			fleet.get().server()
				.stubFor(post("/oauth2/token").inScenario("slow first")
					.whenScenarioStateIs(STARTED)
					.willReturn(Fleet.tokenResponse("fleet-token-1").withFixedDelay(20_000))
					.willSetStateTo("answered"));
			fleet.get().server()
				.stubFor(post("/oauth2/token").inScenario("slow first")
					.whenScenarioStateIs("answered")
					.willReturn(Fleet.tokenResponse("fleet-token-2")));
			fleet.get().calls(List.of(owner), 1).subscribe();
			await().atMost(Fleet.TIMEOUT).until(() -> fleet.get().tokenRequests() == 1);
			String lock = SharedTokenKey.of(owner.credentials()).lock();
			assertThat(fleet.redis().commands().exists(lock)).isOne();
			CompletableFuture<List<String>> waiting = fleet.get().calls(others, 20).collectList().toFuture();

			long cutAt = System.nanoTime();
			forwarder.cut();
			List<String> results = waiting.join();
			Duration waited = Duration.ofNanos(System.nanoTime() - cutAt);

			assertThat(results).hasSize(40).containsOnly("ok");
			// One of the others took the expired lock and fetched for both of them ...
			assertThat(fleet.get().tokenRequests()).isEqualTo(2);
			assertThat(fleet.get().apiCallsWith("fleet-token-2")).isEqualTo(40);
			// ... within lock-timeout (1 s) and a poll, far from the owner's 20 s (slack for a
			// busy machine).
			assertThat(waited).isLessThan(Duration.ofSeconds(4));
		}
	}

	@Test
	void lockWhenItsOwnerDiedThenOneInstanceTakesItOnceItExpiresAndFetchesForAll() {
		List<FleetInstance> instances = fleet.get().start(3, "tokenkeeper.store.redis.lock-timeout=1s");
		String lock = SharedTokenKey.of(instances.get(0).credentials()).lock();
		// What a dead owner leaves: a lock that nobody extends, expiring after lock-timeout.
		fleet.redis().commands().psetex(lock, 1000, "dead-owner");
		fleet.get().tokenEndpointIssues("fleet-token-1");
		assertThat(fleet.get().call(instances, 50)).hasSize(150).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);
	}

	@Test
	void lockWhenHeldLongerThanAnyTokenRequestCanTakeThenEachInstanceFetchesOnce() {
		// One attempt of at most 1 s connect + 5 s response: nobody's request lasts longer.
		List<FleetInstance> instances = fleet.get().start(3, "tokenkeeper.store.redis.lock-timeout=1s",
				"tokenkeeper.retry.max-attempts=1", "tokenkeeper.token-request.connect-timeout=1s",
				"tokenkeeper.token-request.response-timeout=5s");
		String lock = SharedTokenKey.of(instances.get(0).credentials()).lock();
		fleet.redis().commands().psetex(lock, 60_000, "stuck-owner");
		fleet.get().tokenEndpointIssues("fleet-token-1");
		assertThat(fleet.get().call(instances, 50)).hasSize(150).containsOnly("ok");
		// Each instance at most once, however many of its callers waited.
		assertThat(fleet.get().tokenRequests()).isBetween(1, 3);
		assertThat(fleet.redis().commands().get(lock)).isEqualTo("stuck-owner");
	}

}
