package dev.tokenkeeper.actuate;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>
 * Clients registered at run time are many: one component per group, named by the group
 * (a configured registration of the same name wins), with the {@code clients} count and
 * how many are {@code valid}, {@code expired}, {@code failed} and {@code none}. It is
 * {@code UP} when any has a token or had one, {@code DOWN} when some failed and none has,
 * else {@code UNKNOWN}: one tenant's revoked credentials do not take the application down.
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
		if (this.tokens.contains(name) && this.tokens.group(name) == null) {
			return indicator(name);
		}
		return groups().contains(name) ? group(name) : null;
	}

	@Override
	public Stream<Entry> stream() {
		Stream<Entry> configured = this.tokens.registrationIds()
			.stream()
			.filter((id) -> this.tokens.group(id) == null)
			.map((id) -> new Entry(id, indicator(id)));
		Set<String> groups = groups();
		groups.removeIf((group) -> this.tokens.contains(group) && this.tokens.group(group) == null);
		return Stream.concat(configured, groups.stream().map((group) -> new Entry(group, group(group))));
	}

	private Set<String> groups() {
		Set<String> groups = new TreeSet<>();
		for (String id : this.tokens.registrationIds()) {
			String group = this.tokens.group(id);
			if (group != null) {
				groups.add(group);
			}
		}
		return groups;
	}

	private HealthIndicator group(String group) {
		return () -> {
			Map<TokenStatus.State, Integer> states = new EnumMap<>(TokenStatus.State.class);
			int clients = 0;
			for (String id : this.tokens.registrationIds()) {
				TokenStatus status = group.equals(this.tokens.group(id)) ? this.tokens.status(id) : null;
				if (status != null) {
					clients++;
					states.merge(status.state(), 1, Integer::sum);
				}
			}
			int usable = states.getOrDefault(TokenStatus.State.VALID, 0)
					+ states.getOrDefault(TokenStatus.State.EXPIRED, 0);
			int failed = states.getOrDefault(TokenStatus.State.FAILED, 0);
			Health.Builder health = (usable > 0) ? Health.up() : (failed > 0) ? Health.down() : Health.unknown();
			health.withDetail("clients", clients);
			for (TokenStatus.State state : TokenStatus.State.values()) {
				health.withDetail(state.name().toLowerCase(Locale.ROOT), states.getOrDefault(state, 0));
			}
			return health.build();
		};
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
