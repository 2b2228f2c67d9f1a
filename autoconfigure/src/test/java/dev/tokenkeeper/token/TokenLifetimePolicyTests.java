package dev.tokenkeeper.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tokenkeeper.token.IssuedToken.LifetimeSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TokenLifetimePolicyTests {

	private static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:00Z");

	/** The documented defaults: expiry-skew 60s, refresh-ahead 0.8, default-lifetime 5m. */
	private final TokenLifetimePolicy defaults = new TokenLifetimePolicy(Duration.ofSeconds(60), 0.8,
			Duration.ofMinutes(5));

	@Test
	void usableUntilWhen300SecondTokenWithDefaultsThenUsableFor240Seconds() {
		IssuedToken token = token(Duration.ofSeconds(300));
		assertThat(this.defaults.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(240));
	}

	@Test
	void refreshAtWhen300SecondTokenWithDefaultsThenRefreshedFrom192Seconds() {
		IssuedToken token = token(Duration.ofSeconds(300));
		assertThat(this.defaults.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(192));
	}

	@Test
	void usableUntilWhen60SecondTokenWithDefaultsThenSkewIsHalfTheLifetime() {
		IssuedToken token = token(Duration.ofSeconds(60));
		assertThat(this.defaults.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(30));
		assertThat(this.defaults.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(24));
	}

	@Test
	void usableUntilWhenLifetimeIsExactlyTwiceTheSkewThenTheConfiguredSkewApplies() {
		IssuedToken token = token(Duration.ofSeconds(120));
		assertThat(this.defaults.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(60));
		assertThat(this.defaults.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(48));
	}

	@Test
	void usableUntilWhenLifetimeIsJustUnderTwiceTheSkewThenHalfTheLifetime() {
		IssuedToken token = token(Duration.ofSeconds(119));
		assertThat(this.defaults.usableUntil(token)).isEqualTo(RECEIVED.plusMillis(59_500));
	}

	@Test
	void usableUntilWhenOneSecondTokenThenStillReusedForHalfASecond() {
		IssuedToken token = token(Duration.ofSeconds(1));
		assertThat(this.defaults.usableUntil(token)).isEqualTo(RECEIVED.plusMillis(500));
		assertThat(this.defaults.refreshAt(token)).isEqualTo(RECEIVED.plusMillis(400));
	}

	@Test
	void usableUntilWhenAuth0HourTokenWithDefaultsThenUsableFor59Minutes() {
		IssuedToken token = token(Duration.ofHours(1));
		assertThat(this.defaults.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(3540));
		assertThat(this.defaults.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(2832));
	}

	@Test
	void usableUntilWhenCustomSkewAndRefreshAheadThenBothApply() {
		TokenLifetimePolicy policy = new TokenLifetimePolicy(Duration.ofSeconds(10), 0.5, Duration.ofMinutes(5));
		IssuedToken token = token(Duration.ofSeconds(300));
		assertThat(policy.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(290));
		assertThat(policy.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(145));
	}

	@Test
	void usableUntilWhenCustomSkewIsLargeThenShortTokensUseHalfTheirLifetime() {
		TokenLifetimePolicy policy = new TokenLifetimePolicy(Duration.ofMinutes(5), 0.9, Duration.ofMinutes(5));
		IssuedToken token = token(Duration.ofSeconds(300));
		assertThat(policy.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(150));
		assertThat(policy.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(135));
	}

	@Test
	void refreshAtWhenRefreshAheadIsOneThenNoRefreshBeforeTheTokenIsUnusable() {
		TokenLifetimePolicy policy = new TokenLifetimePolicy(Duration.ofSeconds(60), 1.0, Duration.ofMinutes(5));
		IssuedToken token = token(Duration.ofSeconds(300));
		assertThat(policy.refreshAt(token)).isEqualTo(policy.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(240));
	}

	@Test
	void usableUntilWhenSkewIsZeroThenTheWholeLifetime() {
		TokenLifetimePolicy policy = new TokenLifetimePolicy(Duration.ZERO, 0.8, Duration.ofMinutes(5));
		IssuedToken token = token(Duration.ofSeconds(300));
		assertThat(policy.usableUntil(token)).isEqualTo(RECEIVED.plusSeconds(300));
		assertThat(policy.refreshAt(token)).isEqualTo(RECEIVED.plusSeconds(240));
	}

	@Test
	void constructorWhenSettingsAreOutOfRangeThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TokenLifetimePolicy(Duration.ofSeconds(-1), 0.8, Duration.ofMinutes(5)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TokenLifetimePolicy(Duration.ofSeconds(60), 0, Duration.ofMinutes(5)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TokenLifetimePolicy(Duration.ofSeconds(60), 1.01, Duration.ofMinutes(5)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TokenLifetimePolicy(Duration.ofSeconds(60), Double.NaN, Duration.ofMinutes(5)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TokenLifetimePolicy(Duration.ofSeconds(60), 0.8, Duration.ZERO));
	}

	private static IssuedToken token(Duration lifetime) {
		return new IssuedToken("token", Set.of(), RECEIVED, lifetime, LifetimeSource.EXPIRES_IN);
	}

}
