package dev.tokenkeeper.benchmarks.support;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenCacheObserver;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.cache.TokenRetryPolicy;
import dev.tokenkeeper.client.TokenKeeperAuthorizedClientManager;
import dev.tokenkeeper.dpop.DpopAlgorithm;
import dev.tokenkeeper.dpop.DpopKey;
import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.routing.BaseUrl;
import dev.tokenkeeper.routing.TokenRouter;
import dev.tokenkeeper.token.ClientAssertions;
import dev.tokenkeeper.token.ClientAuthentication;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.ProviderProfile;
import dev.tokenkeeper.token.TokenEndpointClient;
import dev.tokenkeeper.token.TokenLifetimePolicy;
import dev.tokenkeeper.web.TokenKeeperExchangeFilterFunction;

/**
 * TokenKeeper wired from its public classes with the defaults of {@code tokenkeeper.*}, as
 * {@code TokenKeeperAutoConfiguration} wires it (no metrics observer: the stock side has none
 * either).
 */
public final class TokenKeeperStack {

	/** {@code tokenkeeper.cache.maximum-size}'s default. */
	public static final long MAXIMUM_SIZE = 10_000;

	/** {@code expiry-skew}, {@code refresh-ahead} and {@code default-lifetime} defaults. */
	public static final TokenLifetimePolicy LIFETIME = new TokenLifetimePolicy(Duration.ofSeconds(60), 0.8,
			Duration.ofMinutes(5));

	/** {@code tokenkeeper.retry.*} defaults. */
	public static final TokenRetryPolicy RETRY = new TokenRetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2),
			Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(10));

	private final TokenCache cache;

	private final TokenKeeperAuthorizedClientManager manager;

	private final TokenKeeperExchangeFilterFunction filter;

	private TokenKeeperStack(List<BenchRegistration> registrations, Clock clock, ClientHttpConnector tokenConnector,
			Map<String, ClientAssertions> assertions, SharedTokenStore store, @Nullable DpopAlgorithm dpop) {
		List<TokenRegistration> tokenRegistrations = new ArrayList<>(registrations.size());
		List<String> ids = new ArrayList<>(registrations.size());
		List<BaseUrl> baseUrls = new ArrayList<>(registrations.size());
		for (BenchRegistration registration : registrations) {
			String id = registration.id();
			ClientAssertions signed = assertions.get(id);
			// as dpop.enabled does: one key per registration, generated at start-up
			DpopProofs proofs = (dpop != null) ? new DpopProofs(DpopKey.generate(dpop), clock) : null;
			// read afresh for every token request, as the auto-configuration's are
			tokenRegistrations.add(new TokenRegistration(id, () -> ((signed != null)
					? new ClientCredentials(id, ProviderProfile.POST_FORM, registration.tokenUri(), "client-" + id, null,
							null, List.of(), Map.of(), ClientAuthentication.PRIVATE_KEY_JWT, signed)
					: new ClientCredentials(id, ProviderProfile.BASIC_FORM, registration.tokenUri(), "client-" + id,
							"secret-" + id, null, List.of(), Map.of()))
				.withDpop(proofs), LIFETIME, RETRY));
			ids.add(id);
			baseUrls.add(BaseUrl.parse(id, registration.baseUrl()));
		}
		TokenEndpointClient client = new TokenEndpointClient(tokenConnector, clock, 64 * 1024, Duration.ofSeconds(10),
				RETRY.maxRetryAfter());
		this.cache = new TokenCache(tokenRegistrations, client, clock, MAXIMUM_SIZE, TokenCacheObserver.NONE, store);
		this.manager = new TokenKeeperAuthorizedClientManager(this.cache, () -> null);
		this.filter = new TokenKeeperExchangeFilterFunction(this.cache, new TokenRouter(ids, baseUrls),
				Duration.ofSeconds(30), (id) -> false);
	}

	/**
	 * Wire TokenKeeper.
	 * @param registrations the registrations
	 * @param clock the clock every decision reads
	 * @param tokenConnector the connector token requests go through
	 * @return the stack
	 */
	public static TokenKeeperStack create(List<BenchRegistration> registrations, Clock clock,
			ClientHttpConnector tokenConnector) {
		return new TokenKeeperStack(registrations, clock, tokenConnector, Map.of(), SharedTokenStore.NONE, null);
	}

	/**
	 * Wire TokenKeeper with some registrations authenticating by {@code private-key-jwt}.
	 * @param registrations the registrations
	 * @param clock the clock every decision reads
	 * @param tokenConnector the connector token requests go through
	 * @param assertions the assertions of the {@code private-key-jwt} registrations, by id;
	 * the others use a client secret
	 * @return the stack
	 */
	public static TokenKeeperStack create(List<BenchRegistration> registrations, Clock clock,
			ClientHttpConnector tokenConnector, Map<String, ClientAssertions> assertions) {
		return new TokenKeeperStack(registrations, clock, tokenConnector, assertions, SharedTokenStore.NONE, null);
	}

	/**
	 * Wire TokenKeeper as one instance of a fleet.
	 * @param registrations the registrations
	 * @param clock the clock every decision reads
	 * @param tokenConnector the connector token requests go through
	 * @param store the store the fleet shares tokens through
	 * @return the stack
	 */
	public static TokenKeeperStack create(List<BenchRegistration> registrations, Clock clock,
			ClientHttpConnector tokenConnector, SharedTokenStore store) {
		return new TokenKeeperStack(registrations, clock, tokenConnector, Map.of(), store, null);
	}

	/**
	 * Wire TokenKeeper with {@code dpop.enabled} and a generated key for every registration.
	 * @param registrations the registrations
	 * @param clock the clock every decision reads
	 * @param tokenConnector the connector token requests go through
	 * @param algorithm the proofs' algorithm
	 * @return the stack
	 */
	public static TokenKeeperStack createWithDpop(List<BenchRegistration> registrations, Clock clock,
			ClientHttpConnector tokenConnector, DpopAlgorithm algorithm) {
		return new TokenKeeperStack(registrations, clock, tokenConnector, Map.of(), SharedTokenStore.NONE, algorithm);
	}

	public TokenCache cache() {
		return this.cache;
	}

	public TokenKeeperAuthorizedClientManager manager() {
		return this.manager;
	}

	public TokenKeeperExchangeFilterFunction filter() {
		return this.filter;
	}

	/**
	 * A WebClient with TokenKeeper's filter, as Boot's customizer adds it.
	 * @param apiConnector the connector API calls go through
	 * @return the client
	 */
	public WebClient webClient(ClientHttpConnector apiConnector) {
		return WebClient.builder().clientConnector(apiConnector).filter(this.filter).build();
	}

}
