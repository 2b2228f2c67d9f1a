package dev.tokenkeeper.benchmarks.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock the harness advances: TokenKeeper, the stock provider and the stubs all read it, so
 * an hour of token lifetimes passes in seconds.
 */
public final class SimulatedClock extends Clock {

	private final AtomicLong millis;

	public SimulatedClock(Instant start) {
		this.millis = new AtomicLong(start.toEpochMilli());
	}

	public void advance(Duration duration) {
		this.millis.addAndGet(duration.toMillis());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public long millis() {
		return this.millis.get();
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(this.millis.get());
	}

}
