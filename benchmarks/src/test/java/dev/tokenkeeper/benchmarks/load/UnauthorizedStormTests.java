package dev.tokenkeeper.benchmarks.load;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storm harness: every call goes out with the revoked token before the first 401 returns.
 */
class UnauthorizedStormTests {

	@Test
	void runWhenTokenKeeperThenOneTokenRequestAndEveryCallReplayed() {
		UnauthorizedStorm.Outcome outcome = UnauthorizedStorm.run(Side.TOKENKEEPER, 50, Duration.ZERO);

		assertThat(outcome.first()).isEqualTo(new UnauthorizedStorm.Wave(1, 50, 0, 100));
		assertThat(outcome.second()).isEqualTo(new UnauthorizedStorm.Wave(0, 50, 0, 50));
	}

	@Test
	void runWhenStockThenEveryCallGets401AndTheTokenStays() {
		UnauthorizedStorm.Outcome outcome = UnauthorizedStorm.run(Side.STOCK, 50, Duration.ZERO);

		assertThat(outcome.first()).isEqualTo(new UnauthorizedStorm.Wave(0, 0, 50, 50));
		assertThat(outcome.second()).isEqualTo(new UnauthorizedStorm.Wave(0, 0, 50, 50));
	}

}
