package dev.tokenkeeper.cache;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.IssuedToken;

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
	 * Drop the shared token if it is still the given one (a stale 401 must never drop a
	 * newer token), or any shared token when {@code tokenValue} is {@code null}.
	 * @param credentials what the token was minted for
	 * @param tokenValue the token that was rejected, or {@code null}
	 * @return completion; errors are the store's own to swallow
	 */
	Mono<Void> invalidate(ClientCredentials credentials, @Nullable String tokenValue);

}
