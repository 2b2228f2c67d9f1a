package dev.tokenkeeper.benchmarks.load;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness measures what it claims: with the token endpoint held, every concurrent call is
 * a first call.
 */
class ConcurrentFirstCallsTests {

	@Test
	void runWhenHeldAndTokenKeeperThenOneTokenRequestAndEveryCallAnswered() {
		ConcurrentFirstCalls.Outcome outcome = ConcurrentFirstCalls.run(Side.TOKENKEEPER, 50, Duration.ZERO, true);

		assertThat(outcome.tokenRequests()).isEqualTo(1);
		assertThat(outcome.succeeded()).isEqualTo(50);
	}

	@Test
	void runWhenHeldAndStockThenOneTokenRequestPerCaller() {
		ConcurrentFirstCalls.Outcome outcome = ConcurrentFirstCalls.run(Side.STOCK, 50, Duration.ZERO, true);

		assertThat(outcome.tokenRequests()).isEqualTo(50);
		assertThat(outcome.succeeded()).isEqualTo(50);
	}

}
