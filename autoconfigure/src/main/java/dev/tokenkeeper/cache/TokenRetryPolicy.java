package dev.tokenkeeper.cache;

import java.time.Duration;

/**
 * How hard a registration's token endpoint is tried. Within one token request in flight,
 * connection errors, timeouts and 5xx are retried up to {@code maxAttempts} with exponential
 * backoff and jitter. After a request finally fails, callers get that failure at once for the
 * cool-down, which doubles with each consecutive failure up to {@code maxFailureCoolDown}, or
 * lasts as long as the provider's {@code Retry-After} (capped by {@code maxRetryAfter}).
 *
 * @param maxAttempts HTTP attempts per token request, at least 1
 * @param initialBackoff wait before the second attempt
 * @param maxBackoff the longest wait between attempts
 * @param failureCoolDown how long a failure is answered at once before a new request
 * @param maxFailureCoolDown the longest such cool-down after consecutive failures
 * @param maxRetryAfter the longest provider-requested wait honoured
 * @author TokenKeeper
 */
public record TokenRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
		Duration failureCoolDown, Duration maxFailureCoolDown, Duration maxRetryAfter) {

	public TokenRetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1");
		}
	}

	/** Jitter applied to every backoff, as a fraction of it. */
	static final double JITTER = 0.5;

	/**
	 * The cool-down after the given number of consecutive failed requests.
	 * @param consecutiveFailures at least 1
	 * @return the cool-down
	 */
	Duration coolDown(int consecutiveFailures) {
		long millis = this.failureCoolDown.toMillis();
		for (int i = 1; i < consecutiveFailures && millis < this.maxFailureCoolDown.toMillis(); i++) {
			millis *= 2;
		}
		return Duration.ofMillis(Math.min(millis, this.maxFailureCoolDown.toMillis()));
	}

}
