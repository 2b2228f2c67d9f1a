package dev.tokenkeeper.autoconfigure;

import java.util.List;

import dev.tokenkeeper.cache.TokenCacheObserver;

/**
 * Several {@link TokenCacheObserver} beans as one.
 *
 * @author TokenKeeper
 */
final class CompositeTokenCacheObserver {

	private CompositeTokenCacheObserver() {
	}

	static TokenCacheObserver of(List<TokenCacheObserver> observers) {
		if (observers.isEmpty()) {
			return TokenCacheObserver.NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		return (registrationId) -> {
			List<TokenCacheObserver.RegistrationObserver> each = observers.stream()
				.map((observer) -> observer.forRegistration(registrationId))
				.toList();
			return new TokenCacheObserver.RegistrationObserver() {

				@Override
				public void lookup(TokenCacheObserver.LookupResult result) {
					each.forEach((observer) -> observer.lookup(result));
				}

				@Override
				public void invalidated(TokenCacheObserver.InvalidationReason reason) {
					each.forEach((observer) -> observer.invalidated(reason));
				}

				@Override
				public void dpopNonceRetry(TokenCacheObserver.NonceSource source) {
					each.forEach((observer) -> observer.dpopNonceRetry(source));
				}

			};
		};
	}

}
