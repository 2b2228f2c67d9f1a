package dev.tokenkeeper.cache;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.IssuedToken;
import dev.tokenkeeper.token.TokenEndpointException;

/**
 * Where the instances of a fleet share tokens, behind each instance's Caffeine cache. The
 * cache calls it when it would otherwise request a token: the store answers with a token
 * another instance already got, or runs {@code fetch} itself (at most one instance at a time)
 * and shares the result. A store that cannot be reached must fall back to {@code fetch}, so
 * calls keep working.
 *
 * @author TokenKeeper
 */
public interface SharedTokenStore {

	/** No sharing: every instance requests its own tokens. */
	SharedTokenStore NONE = new SharedTokenStore() {

		@Override
		public Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable,
				Mono<IssuedToken> fetch) {
			return fetch;
		}

		@Override
		public Mono<Void> invalidate(ClientCredentials credentials, @Nullable String tokenValue) {
			return Mono.empty();
		}

	};

	/**
	 * A token for these credentials: a shared one that is still {@code usable}, else the
	 * result of {@code fetch}, shared with the other instances.
	 * @param credentials what the token is minted for (the shared key derives from it)
	 * @param usable whether a shared token may still be used by this instance
	 * @param fetch the token request, with its retries
	 * @return the token
	 */
	Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable, Mono<IssuedToken> fetch);

	/**
	 * A token for these credentials, as {@link #obtain(ClientCredentials, Predicate, Mono)};
	 * when {@code fetch} fails, the failure is shared too: callers on every instance get it
	 * at once, without a request of their own, for as long as {@code holdFailure} says.
	 * @param credentials what the token is minted for (the shared key derives from it)
	 * @param usable whether a shared token may still be used by this instance
	 * @param fetch the token request, with its retries
	 * @param holdFailure how long a failure of {@code fetch} holds: its cool-down, or the
	 * provider's {@code Retry-After} when longer
	 * @return the token, or the failure (this instance's own, or one another instance had)
	 */
	default Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable,
			Mono<IssuedToken> fetch, Function<TokenEndpointException, Duration> holdFailure) {
		return obtain(credentials, usable, fetch);
	}

	/**
	 * Drop the shared token if it is still the given one (a stale 401 must never drop a
	 * newer token), or any shared token when {@code tokenValue} is {@code null}.
	 * @param credentials what the token was minted for
	 * @param tokenValue the token that was rejected, or {@code null}
	 * @return completion; errors are the store's own to swallow
	 */
	Mono<Void> invalidate(ClientCredentials credentials, @Nullable String tokenValue);

	/**
	 * Hear the tokens other instances of the fleet drop (after a 401, or an eviction), so
	 * that this instance drops its own copy too. A store that cannot tell its instances
	 * ignores the listener; the next 401 on the token then drops it here.
	 * @param listener told each registration whose token another instance dropped
	 */
	default void onDropped(DroppedTokens listener) {
	}

	/**
	 * How the store stands for one registration, for the health contributor: never a token,
	 * a secret or a connection password.
	 * @param registrationId the registration
	 * @return health details, empty for a store with nothing to report
	 */
	default Map<String, Object> health(String registrationId) {
		return Map.of();
	}

	/**
	 * Hears tokens that another instance of the fleet dropped.
	 */
	@FunctionalInterface
	interface DroppedTokens {

		/**
		 * Another instance dropped a token of this registration.
		 * @param registrationId the registration
		 * @param isDropped whether a token value is the dropped one (every value, when the
		 * registration was evicted)
		 */
		void dropped(String registrationId, Predicate<String> isDropped);

	}

}
