package dev.tokenkeeper.benchmarks.support;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * Subscribes to a Mono and takes the value it emits during {@code subscribe}: what a caller
 * pays for a token that is already there, without {@code block()}'s latch and thread
 * hand-off. Both sides of every comparison go through it.
 *
 * @param <T> the value type
 */
public final class SyncSubscriber<T> implements CoreSubscriber<T> {

	private T value;

	private Throwable error;

	/**
	 * The value a Mono emits synchronously.
	 * @param mono the Mono
	 * @param <T> the value type
	 * @return the value
	 * @throws IllegalStateException when it emits nothing during {@code subscribe} (the benchmark
	 * would then not measure a cached token) or fails
	 */
	public static <T> T get(Mono<T> mono) {
		SyncSubscriber<T> subscriber = new SyncSubscriber<>();
		mono.subscribe(subscriber);
		if (subscriber.value == null) {
			throw new IllegalStateException("The Mono emitted no value synchronously", subscriber.error);
		}
		return subscriber.value;
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(T value) {
		this.value = value;
	}

	@Override
	public void onError(Throwable error) {
		this.error = error;
	}

	@Override
	public void onComplete() {
	}

}
