package dev.tokenkeeper.store;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenRequestOutcome;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The owner's failure is the fleet's: while it holds, callers on every instance get it at
 * once, and no other instance runs a retry chain of its own against a failing provider.
 */
class FleetFailureSharingTests {

	private static final String NAMES_THE_FAILURE = "Token request for registration 'partner' failed";

	@RegisterExtension
	static final FleetExtension fleet = new FleetExtension();

	@Test
	void alwaysUnavailableEndpointWhenThreeInstancesCallAtOnceThenOneRetryChainForTheFleet() {
		// A cool-down longer than this test runs, in Redis's own time too: the injected clocks
		// decide when it is over.
		List<FleetInstance> instances = fleet.get().start(3, "tokenkeeper.retry.failure-cool-down=60s");
		fleet.get().server()
			.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(503).withBody("upstream unavailable")));

		List<String> results = fleet.get().call(instances, 50);
		assertThat(results).hasSize(150)
			.allSatisfy((result) -> assertThat(result).contains(NAMES_THE_FAILURE, "server_error", "HTTP 503"));
		// One instance's retry chain (retry.max-attempts = 3), not one per instance.
		assertThat(fleet.get().tokenRequests()).isBetween(1, 3);
		int firstChain = fleet.get().tokenRequests();

		fleet.get().advance(Duration.ofSeconds(30));
		assertThat(fleet.get().call(instances, 50)).hasSize(150)
			.allSatisfy((result) -> assertThat(result).contains(NAMES_THE_FAILURE, "HTTP 503"));
		assertThat(fleet.get().tokenRequests()).isEqualTo(firstChain);

		fleet.get().tokenEndpointIssues("fleet-token-1");
		fleet.get().advance(Duration.ofSeconds(31));
		assertThat(fleet.get().call(instances, 50)).hasSize(150).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(firstChain + 1);
	}

	@Test
	void rateLimitWhenOneInstanceIsToldToWaitThenNoInstanceSendsARequestBeforeRetryAfter() {
		// A short cool-down: the provider's Retry-After of 3 s is the longer wait.
		List<FleetInstance> instances = fleet.get().start(3, "tokenkeeper.retry.failure-cool-down=1s");
		FleetInstance first = instances.get(0);
		fleet.get().server()
			.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")));
		assertThat(fleet.get().call(List.of(first), 1)).singleElement()
			.asString()
			.contains(NAMES_THE_FAILURE, "rate_limited", "HTTP 429");
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);

		// The others get the same failure and the same wait, without asking the provider.
		TokenEndpointException failure = catchThrowableOfType(TokenEndpointException.class,
				() -> instances.get(1).tokens().token(Fleet.REGISTRATION).block(Fleet.TIMEOUT));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.RATE_LIMITED);
		assertThat(failure.getStatus()).isEqualTo(429);
		assertThat(failure.getMessage()).contains(NAMES_THE_FAILURE);
		assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
		assertThat(fleet.get().call(instances, 20)).hasSize(60)
			.allSatisfy((result) -> assertThat(result).contains(NAMES_THE_FAILURE, "HTTP 429"));
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);

		fleet.get().tokenEndpointIssues("fleet-token-1");
		fleet.get().advance(Duration.ofMillis(2900));
		assertThat(fleet.get().call(instances, 20)).hasSize(60)
			.allSatisfy((result) -> assertThat(result).contains(NAMES_THE_FAILURE, "HTTP 429"));
		assertThat(fleet.get().tokenRequests()).isEqualTo(1);

		fleet.get().advance(Duration.ofMillis(200));
		assertThat(fleet.get().call(instances, 20)).hasSize(60).containsOnly("ok");
		assertThat(fleet.get().tokenRequests()).isEqualTo(2);
	}

	@Test
	void sharedFailureWhenReadInRedisThenHoldsNeitherSecretNorTokenAndIsEncrypted() {
		FleetInstance instance = fleet.get().start(1).get(0);
		fleet.get().server()
			.stubFor(post("/oauth2/token").willReturn(aResponse().withStatus(401)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}")));
		assertThat(fleet.get().call(List.of(instance), 1)).singleElement().asString().contains("invalid_client");
		String key = SharedTokenKey.of(instance.credentials()).failure();
		String stored = fleet.redis().commands().get(key);
		assertThat(stored).startsWith("e1.").doesNotContain("invalid_client", "unknown client", "a+b/c:=%", "client");
		assertThat(fleet.redis().commands().pttl(key)).isPositive();
	}

}
