package dev.tokenkeeper.benchmarks.load;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two simulated minutes instead of an hour: the simulated clock reaches TokenKeeper, the
 * stock provider and the API's expiry check alike.
 */
class SimulatedHourTests {

	private static final Duration TWO_MINUTES = Duration.ofMinutes(2);

	private static final Duration STEP = Duration.ofSeconds(1);

	@Test
	void runWhenTokenKeeperThenAtMostOneRequestPerRefreshPeriodAndNoExpiredToken() {
		SimulatedHour.Outcome outcome = SimulatedHour.run(Side.TOKENKEEPER, TWO_MINUTES, STEP, 2);

		assertThat(outcome.calls()).isEqualTo(240);
		assertThat(outcome.ok()).isEqualTo(240);
		assertThat(outcome.expired()).isZero();
		assertThat(outcome.tokenRequests()).isBetween(2, (int) SimulatedHour.bound(TWO_MINUTES));
	}

	@Test
	void runWhenStockWithItsDefaultSkewThenATokenRequestForEveryStepOfTheClock() {
		SimulatedHour.Outcome outcome = SimulatedHour.run(Side.STOCK, TWO_MINUTES, STEP, 2);

		assertThat(outcome.ok()).isEqualTo(240);
		assertThat(outcome.expired()).isZero();
		// a 60 s token minus the 60 s skew is expired as soon as the clock moves: one per step at least
		assertThat(outcome.tokenRequests()).isGreaterThanOrEqualTo(120);
	}

}
