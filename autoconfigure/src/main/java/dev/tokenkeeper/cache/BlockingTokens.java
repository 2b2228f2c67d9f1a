package dev.tokenkeeper.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import reactor.core.scheduler.Schedulers;

/**
 * The token cache for callers that wait on a thread of their own: {@code RestClient}
 * interceptors and Spring Security's servlet {@code OAuth2AuthorizedClientManager}. The same
 * cache and the same single token request in flight as the reactive callers.
 * <p>
 * A caller waits on a {@link CompletableFuture} rather than {@code Mono#block()}: Reactor
 * refuses {@code block()} on threads it marks non-blocking, and a future takes no monitor,
 * so a virtual thread waiting here does not pin its carrier. A caller that gives up does not
 * cancel the shared token request.
 * <p>
 * Like {@code block()}, it refuses to wait on a thread Reactor marks non-blocking (an event
 * loop, a parallel scheduler): a RestClient called there would stall every connection of that
 * loop, so it fails at once instead.
 *
 * @author TokenKeeper
 */
public final class BlockingTokens {

	private final TokenCache tokens;

	private final Duration timeout;

	/**
	 * Create a blocking view of a cache.
	 * @param tokens the token cache
	 * @param timeout the longest wait for a token; a safety net over the token endpoint's own
	 * timeouts and retries, which always end a token request first
	 */
	public BlockingTokens(TokenCache tokens, Duration timeout) {
		this.tokens = tokens;
		this.timeout = timeout;
	}

	/**
	 * A usable token of the registration, waiting for the token request in flight if there
	 * is one.
	 * @param registrationId the registration id
	 * @return the token
	 * @throws dev.tokenkeeper.token.TokenEndpointException when the token endpoint failed
	 * @throws IllegalStateException when called on a thread Reactor marks non-blocking, when no
	 * token came within the timeout, or the thread was interrupted while waiting (its interrupt
	 * flag is set again)
	 */
	public CachedToken token(String registrationId) {
		if (Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException("Waiting for a token of registration '" + registrationId
					+ "' would block thread " + Thread.currentThread().getName()
					+ ", which Reactor marks non-blocking (an event loop or a parallel scheduler): use a WebClient "
					+ "or the reactive OAuth2 manager on such threads, or move the blocking call to "
					+ "Schedulers.boundedElastic()");
		}
		return await(this.tokens.token(registrationId).toFuture(), registrationId, "a token");
	}

	/**
	 * Wait for the look-up of a client the calling thread's request named, within the same
	 * timeout as for a token.
	 * @param lookup the look-up
	 * @param registrationId the id looked up
	 * @throws RuntimeException the look-up's failure
	 */
	public void await(CompletableFuture<Void> lookup, String registrationId) {
		if (!lookup.isDone() && Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException("Waiting for the look-up of TokenKeeper client '" + registrationId
					+ "' would block thread " + Thread.currentThread().getName()
					+ ", which Reactor marks non-blocking: use a WebClient on such threads");
		}
		// a copy: a timed-out caller cancels its own wait, not the look-up others wait for
		await(lookup.copy(), registrationId, "the look-up");
	}

	private <T> T await(CompletableFuture<T> token, String registrationId, String what) {
		try {
			return token.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException("No " + (what.equals("a token") ? "token" : "answer to " + what)
					+ " for registration '" + registrationId + "'", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			token.cancel(false);
			throw new IllegalStateException(
					"Interrupted while waiting for " + what + " of registration '" + registrationId + "'", ex);
		}
		catch (TimeoutException ex) {
			token.cancel(false);
			throw new IllegalStateException("No " + (what.equals("a token") ? "token" : "answer to " + what)
					+ " for registration '" + registrationId + "' within " + this.timeout);
		}
	}

	/**
	 * The cache behind this view.
	 * @return the cache
	 */
	public TokenCache cache() {
		return this.tokens;
	}

}
