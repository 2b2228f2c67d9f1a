package dev.tokenkeeper.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenStatus;

/**
 * The {@code tokenkeeper} health contributor: one component per registration, named by its
 * id. A component is
 * <ul>
 * <li>{@code UP} while a usable token is cached, or when the last token simply expired
 * unused after a successful request;</li>
 * <li>{@code DOWN} when no usable token is cached and the last token request failed (bad
 * credentials, a refused grant, the provider down);</li>
 * <li>{@code UNKNOWN} before the first token request: tokens are fetched on first use.</li>
 * </ul>
 * Details: {@code state}, {@code expiresAt}, {@code lastRefresh} and, after a failure,
 * {@code lastError} with its time, {@code outcome}, HTTP {@code status} and OAuth2
 * {@code error} code. In fleet mode, {@code store}: whether Redis is {@code reachable}, its
 * {@code lastError} (time and type) and how many tokens this instance fetched for itself as
 * {@code fallbacks} while Redis failed; the store never turns a component {@code DOWN}, since
 * calls keep working without it. Never a token or a secret.
 * Reads the cache's state only: checking health never sends a token request.
 *
 * @author TokenKeeper
 */
public class TokenKeeperHealthContributor implements CompositeHealthContributor {

	private final TokenCache tokens;

	private final SharedTokenStore store;

	/**
	 * Create the contributor.
	 * @param tokens the token cache
	 */
	public TokenKeeperHealthContributor(TokenCache tokens) {
		this(tokens, SharedTokenStore.NONE);
	}

	/**
	 * Create the contributor.
	 * @param tokens the token cache
	 * @param store the shared store behind it, whose state each component shows
	 */
	public TokenKeeperHealthContributor(TokenCache tokens, SharedTokenStore store) {
		this.tokens = tokens;
		this.store = store;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return this.tokens.contains(name) ? indicator(name) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.tokens.registrationIds().stream().map((id) -> new Entry(id, indicator(id)));
	}

	private HealthIndicator indicator(String registrationId) {
		return () -> {
			Health health = health(this.tokens.status(registrationId));
			Map<String, Object> store = this.store.health(registrationId);
			return store.isEmpty() ? health : Health.status(health.getStatus())
				.withDetails(health.getDetails())
				.withDetail("store", store)
				.build();
		};
	}

	static Health health(@Nullable TokenStatus status) {
		if (status == null) {
			return Health.unknown().build();
		}
		Health.Builder health = switch (status.state()) {
			case VALID, EXPIRED -> Health.up();
			case FAILED -> Health.down();
			case NONE -> Health.unknown();
		};
		health.withDetail("state", status.state().name().toLowerCase(Locale.ROOT));
		if (status.expiresAt() != null) {
			health.withDetail("expiresAt", status.expiresAt());
		}
		if (status.lastRefresh() != null) {
			health.withDetail("lastRefresh", status.lastRefresh());
		}
		TokenStatus.LastError lastError = status.lastError();
		if (lastError != null) {
			Map<String, Object> error = new LinkedHashMap<>();
			error.put("at", lastError.at());
			error.put("outcome", lastError.outcome());
			if (lastError.status() > 0) {
				error.put("status", lastError.status());
			}
			if (lastError.error() != null) {
				error.put("error", lastError.error());
			}
			health.withDetail("lastError", error);
		}
		return health.build();
	}

}
