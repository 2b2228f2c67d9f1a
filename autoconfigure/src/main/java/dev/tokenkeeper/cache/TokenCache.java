package dev.tokenkeeper.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.retry.Retry;


import dev.tokenkeeper.cache.TokenCacheObserver.InvalidationReason;
import dev.tokenkeeper.cache.TokenCacheObserver.LookupResult;
import dev.tokenkeeper.cache.TokenCacheObserver.NonceSource;
import dev.tokenkeeper.cache.TokenCacheObserver.RegistrationObserver;
import dev.tokenkeeper.cache.TokenStatus.LastError;
import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.observation.TokenRequestObservationContext;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.IssuedToken;
import dev.tokenkeeper.token.TokenEndpointClient;
import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenRequestOutcome;

/**
 * The tokens of every registration: cached in Caffeine until shortly before they expire,
 * refreshed ahead of expiry in the background, and fetched with at most one token request in
 * flight per registration however many callers wait.
 * <p>
 * A lookup of a usable token takes no lock, parses nothing and logs nothing. Every time-based
 * decision reads the injected {@link Clock} when a caller looks a token up; no timers run.
 * <p>
 * Registrations may be added, replaced and removed while the application runs
 * ({@link #register}, {@link #remove}): the registrations are a concurrent map, so a lookup
 * still costs one map read. A replacement is a new state with nothing cached; a token request
 * of the state it replaced may still complete, and then serves the callers that were waiting
 * for it but is never cached for the new one.
 *
 * @author TokenKeeper
 */
public final class TokenCache {

	private static final Log logger = LogFactory.getLog(TokenCache.class);

	private final Map<String, RegistrationState> registrations = new ConcurrentHashMap<>();

	private final TokenCacheObserver observer;

	private final TokenEndpointClient client;

	private final Clock clock;

	private final Cache<String, CachedToken> tokens;

	private final SharedTokenStore store;

	private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();

	/** Runs between a refresh's claim of the in-flight slot and its re-check; a seam for tests. */
	@Nullable Runnable refreshClaimed;

	/**
	 * Create a cache whose tokens are this instance's own.
	 * @param registrations the registrations served
	 * @param client the token endpoint client
	 * @param clock the clock every decision reads
	 * @param maximumSize the most tokens kept
	 * @param observer hears lookups and invalidations
	 */
	public TokenCache(Collection<TokenRegistration> registrations, TokenEndpointClient client, Clock clock,
			long maximumSize, TokenCacheObserver observer) {
		this(registrations, client, clock, maximumSize, observer, SharedTokenStore.NONE);
	}

	/**
	 * Create a cache.
	 * @param registrations the registrations served
	 * @param client the token endpoint client
	 * @param clock the clock every decision reads
	 * @param maximumSize the most tokens kept
	 * @param observer hears lookups and invalidations
	 * @param store where a fleet shares tokens, behind this cache
	 */
	public TokenCache(Collection<TokenRegistration> registrations, TokenEndpointClient client, Clock clock,
			long maximumSize, TokenCacheObserver observer, SharedTokenStore store) {
		this.store = store;
		this.observer = observer;
		registrations.forEach((registration) -> this.registrations.put(registration.id(),
				new RegistrationState(registration, observer.forRegistration(registration.id()), null)));
		this.client = client;
		this.clock = clock;
		this.tokens = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.expireAfter(Expiry.<String, CachedToken>writing(
					(id, token) -> Duration.ofMillis(Math.max(0, token.usableUntilMillis() - clock.millis()))))
			// every read goes to the registration's own current-token field (one volatile read on
			// the hot path); Caffeine holds the same entries for size, expiry and statistics, and
			// clears that field when it evicts
			.recordStats(() -> this.stats)
			.evictionListener((String id, CachedToken token, RemovalCause cause) -> {
				RegistrationState state = (id != null) ? this.registrations.get(id) : null;
				if (state != null) {
					state.compareAndSetCurrent(token, null);
				}
			})
			.build();
		store.onDropped(this::droppedElsewhere);
	}

	/**
	 * Serve a registration from now on, replacing one of the same id: its token is dropped and
	 * the next lookup requests one with the new credentials. A token request of the replaced
	 * registration still in flight never becomes the new one's token.
	 * @param registration the registration
	 * @param group the {@code client} tag of its meters, or {@code null} for its id
	 * @return whether a registration of that id was replaced
	 */
	public boolean register(TokenRegistration registration, @Nullable String group) {
		String id = registration.id();
		RegistrationState state = new RegistrationState(registration,
				this.observer.forRegistration((group != null) ? group : id), group);
		RegistrationState previous = this.registrations.put(id, state);
		if (previous != null) {
			retire(previous);
		}
		return previous != null;
	}

	/**
	 * Stop serving a registration; its cached token is dropped.
	 * @param registrationId the registration id
	 * @return whether it was served
	 */
	public boolean remove(String registrationId) {
		RegistrationState previous = this.registrations.remove(registrationId);
		if (previous != null) {
			retire(previous);
		}
		return previous != null;
	}

	private void retire(RegistrationState state) {
		CachedToken token = state.getAndSetCurrent(null);
		if (token != null) {
			this.tokens.asMap().remove(state.registration.id(), token);
		}
	}

	/**
	 * A registration served now.
	 * @param registrationId the registration id
	 * @return the registration, or {@code null} for an unknown id
	 */
	public @Nullable TokenRegistration registration(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		return (state != null) ? state.registration : null;
	}

	/**
	 * The group of a registration added at run time.
	 * @param registrationId the registration id
	 * @return the group, or {@code null} for a configured registration or an unknown id
	 */
	public @Nullable String group(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		return (state != null) ? state.group : null;
	}

	/** Another instance dropped this token: drop this instance's copy, a newer token stays. */
	private void droppedElsewhere(String registrationId, Predicate<String> isDropped) {
		RegistrationState state = this.registrations.get(registrationId);
		CachedToken token = (state != null) ? state.current() : null;
		if (token != null && isDropped.test(token.value()) && state.compareAndSetCurrent(token, null)) {
			this.tokens.asMap().remove(registrationId, token);
			if (logger.isDebugEnabled()) {
				logger.debug("Dropped token " + token.fingerprint() + " of registration '" + registrationId
						+ "': another instance of the fleet dropped it");
			}
		}
	}

	/**
	 * A usable token for the registration: the cached one, or the result of the one token
	 * request in flight. The lookup happens on every subscription, so a Mono kept and
	 * subscribed again ({@code repeat}, {@code retry}, a field) never hands out a token past
	 * its usable life. Cancelling the returned Mono does not cancel that request.
	 * @param registrationId the registration id
	 * @return the token, or an error ({@link TokenEndpointException} when the endpoint failed)
	 */
	public Mono<CachedToken> token(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		if (state == null) {
			return Mono.error(new IllegalArgumentException("No TokenKeeper registration '" + registrationId + "'"));
		}
		return state;
	}

	/** A usable cached token (starting its refresh when it is due), or {@code null}. */
	private @Nullable CachedToken hit(RegistrationState state, long now) {
		CachedToken token = state.current();
		if (token != null && now < token.usableUntilMillis()) {
			if (now >= token.refreshAtMillis()) {
				refreshAhead(state, token, now);
			}
			counted(state, LookupResult.HIT);
			return token;
		}
		return null;
	}

	private Mono<CachedToken> fetch(RegistrationState state, long now) {
		CompletableFuture<CachedToken> inFlight = state.inFlight();
		if (inFlight != null) {
			counted(state, LookupResult.WAIT);
			return Mono.fromFuture(inFlight, true);
		}
		Failure failure = state.failure;
		if (failure != null && failure.coolDown.isActive(now)) {
			counted(state, LookupResult.FAILED);
			return Mono.error(failure.repeat(now));
		}
		CompletableFuture<CachedToken> mine = new CompletableFuture<>();
		if (!state.compareAndSetInFlight(null, mine)) {
			return fetch(state, now);
		}
		// Between our cache miss and the CAS, another request may have completed.
		CachedToken cached = state.current();
		if (cached != null && now < cached.usableUntilMillis()) {
			state.compareAndSetInFlight(mine, null);
			mine.complete(cached);
			counted(state, LookupResult.HIT);
			return Mono.just(cached);
		}
		counted(state, LookupResult.MISS);
		request(state, mine);
		return Mono.fromFuture(mine, true);
	}

	/**
	 * Counts a lookup for TokenKeeper's metrics and in Caffeine's statistics alike, so both
	 * tell one story: a caller given a token or joining the request in flight is a hit (as
	 * Caffeine's own async caches count it), a caller with no token to get is a miss.
	 */
	private void counted(RegistrationState state, LookupResult result) {
		if (result == LookupResult.HIT || result == LookupResult.WAIT) {
			this.stats.recordHits(1);
		}
		else {
			this.stats.recordMisses(1);
		}
		state.observer.lookup(result);
	}

	private void refreshAhead(RegistrationState state, CachedToken token, long now) {
		if (state.inFlight() != null) {
			return;
		}
		Failure failure = state.failure;
		if (failure != null && failure.coolDown.isActive(now)) {
			return;
		}
		CompletableFuture<CachedToken> mine = new CompletableFuture<>();
		if (!state.compareAndSetInFlight(null, mine)) {
			return;
		}
		Runnable claimed = this.refreshClaimed;
		if (claimed != null) {
			claimed.run();
		}
		// Callers may already wait on mine (a 401 replay after an invalidation): it must end
		// as fetch ends it, never cancelled.
		CachedToken current = state.current();
		if (current != token) {
			if (current != null && this.clock.millis() < current.usableUntilMillis()) {
				state.compareAndSetInFlight(mine, null);
				mine.complete(current);
			}
			else {
				request(state, mine);
			}
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Refreshing token " + token.fingerprint() + " of registration '" + state.registration.id()
					+ "' ahead of expiry");
		}
		request(state, mine);
	}

	/** Sends the token request, detached from any caller, and completes {@code future} with it. */
	private void request(RegistrationState state, CompletableFuture<CachedToken> future) {
		TokenRegistration registration = state.registration;
		TokenRetryPolicy retry = registration.retry();
		ClientCredentials credentials;
		try {
			credentials = registration.credentials().get();
		}
		catch (RuntimeException ex) {
			state.compareAndSetInFlight(future, null);
			future.completeExceptionally(ex);
			return;
		}
		TokenEndpointClient client = (registration.client() != null) ? registration.client() : this.client;
		long startedMillis = this.clock.millis();
		Retry backoff = Retry.backoff(retry.maxAttempts() - 1, retry.initialBackoff())
			.maxBackoff(retry.maxBackoff())
			.jitter(TokenRetryPolicy.JITTER)
			.filter((ex) -> ex instanceof TokenEndpointException failure && failure.getOutcome().isRetryable())
			.onRetryExhaustedThrow((spec, signal) -> signal.failure());
		// an issuer-uri registration learns its token endpoint first (cached after the first
		// success): the shared key, the assertion's aud and the DPoP htu all use it
		Mono.defer(() -> registration.resolve(credentials, client))
			.retryWhen(backoff)
			.flatMap((resolved) -> {
				Mono<IssuedToken> fetch = Mono
					.defer(() -> client.requestToken(resolved, registration.lifetime().defaultLifetime(),
							() -> state.observer.dpopNonceRetry(NonceSource.TOKEN_ENDPOINT)))
					.retryWhen(backoff);
				// A shared token is taken only before its refresh-ahead point, else this instance
				// would refresh again at once; and never the one a 401 dropped here.
				return this.store
					.obtain(resolved,
							(shared) -> this.clock.millis() < registration.lifetime().refreshAt(shared).toEpochMilli()
									&& !state.isUnauthorized(shared),
							fetch, state::holdingFor)
					.map((issued) -> cache(state, resolved, issued, startedMillis));
			})
			// the metrics tag of every attempt, discovery included: a run-time client's group
			.contextWrite((context) -> context.put(TokenRequestObservationContext.CLIENT_TAG_KEY, state.metricsClient()))
			.subscribe((token) -> {
				state.succeeded(token);
				state.compareAndSetInFlight(future, null);
				future.complete(token);
			}, (ex) -> {
				state.failed(ex, this.clock.millis());
				state.compareAndSetInFlight(future, null);
				future.completeExceptionally(ex);
			});
	}

	private CachedToken cache(RegistrationState state, ClientCredentials credentials, IssuedToken issued,
			long startedMillis) {
		Instant expiresAt = issued.receivedAt().plus(issued.lifetime());
		// a DPoP answer is accepted only from registrations with proofs, so dpop is set then
		DpopProofs dpop = issued.dpop() ? credentials.dpop() : null;
		CachedToken token = new CachedToken(state.registration.id(), issued.value(), issued.scopes(),
				issued.receivedAt(), expiresAt, credentials, state.registration.lifetime().usableUntil(issued),
				state.registration.lifetime().refreshAt(issued), dpop);
		if (state.refused) {
			state.refused = false;
			token.replacesRefused(true);
		}
		state.setCurrent(token);
		// a replaced or removed registration's late token serves its waiters only: cached, it
		// would be handed out for the credentials that replaced it
		if (this.registrations.get(state.registration.id()) == state) {
			this.tokens.put(state.registration.id(), token);
			if (this.registrations.get(state.registration.id()) != state) {
				this.tokens.asMap().remove(state.registration.id(), token);
			}
		}
		// Caffeine's only put statistic is a load (Micrometer's cache.puts): each token cached is
		// one. Failed requests are not recorded as loads, or puts would count tokens never cached;
		// tokenkeeper.token.requests reports them.
		this.stats.recordLoadSuccess(TimeUnit.MILLISECONDS.toNanos(Math.max(0, this.clock.millis() - startedMillis)));
		return token;
	}

	/**
	 * Drop the cached token if it is still the one a request sent, as after a 401: many
	 * concurrent 401s on one token cause one new token request.
	 * @param registrationId the registration id
	 * @param sentToken the token value the rejected request carried
	 * @return whether the token was dropped by this call
	 */
	public boolean invalidate(String registrationId, String sentToken) {
		RegistrationState state = this.registrations.get(registrationId);
		CachedToken token = (state != null) ? state.current() : null;
		if (token == null || !token.value().equals(sentToken)) {
			return false;
		}
		// Remembered before the token is cleared: a lookup on another thread that misses from
		// the moment it is cleared may read the shared store before the store hears of the 401
		// (invalidateShared below; the delete, and the store's own note of the rejection, come
		// after), find this token still shared there, and cache it again as the fresh token
		// after a 401, whose own 401 then starts the cool-down and reaches callers.
		state.unauthorized = token;
		// the compare-and-clear decides: of many concurrent 401s on one token, one drops it
		boolean removed = state.compareAndSetCurrent(token, null);
		this.tokens.asMap().remove(registrationId, token);
		if (removed) {
			state.refused = true;
			invalidateShared(state, sentToken);
			state.observer.invalidated(InvalidationReason.UNAUTHORIZED);
			if (logger.isDebugEnabled()) {
				logger.debug("Dropped token " + token.fingerprint() + " of registration '" + registrationId
						+ "' after a 401");
			}
		}
		return removed;
	}

	/**
	 * Drop a registration's cached token; the next lookup requests a new one.
	 * @param registrationId the registration id
	 * @return whether a token was cached
	 */
	public boolean evict(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		if (state == null) {
			throw new IllegalArgumentException("No TokenKeeper registration '" + registrationId + "'");
		}
		CachedToken removed = state.getAndSetCurrent(null);
		this.tokens.invalidate(registrationId);
		invalidateShared(state, null);
		state.observer.invalidated(InvalidationReason.MANUAL);
		return removed != null;
	}

	private void invalidateShared(RegistrationState state, @Nullable String tokenValue) {
		if (this.store == SharedTokenStore.NONE) {
			return;
		}
		try {
			this.store.invalidate(state.registration.resolvedCredentials(), tokenValue)
				.subscribe(null, (ex) -> logger.debug("Could not invalidate the shared token of registration '"
						+ state.registration.id() + "': " + ex.getClass().getSimpleName()));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not invalidate the shared token of registration '" + state.registration.id() + "'");
		}
	}

	/**
	 * Whether a 401 on a token of this registration may be answered by dropping the token and
	 * replaying: not during the cool-down that follows a replay that was refused too.
	 * @param registrationId the registration id
	 * @return whether to replay
	 */
	public boolean isReplayAllowed(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		if (state == null) {
			return false;
		}
		CoolDown coolDown = state.replayCoolDown;
		return coolDown == null || !coolDown.isActive(this.clock.millis());
	}

	/**
	 * Whether a 401 on this token means fresh tokens are refused too: it was fetched after a
	 * 401 dropped the token before it, and no response since has accepted it. True whether
	 * or not the request that got the 401 was a replay.
	 * @param token the token a request carried
	 * @return whether the 401 should start the cool-down
	 */
	public boolean isFreshTokenRefused(CachedToken token) {
		return token.replacesRefused();
	}

	/**
	 * An API answered a request that carried this token with something other than 401: a
	 * later 401 on it is a revocation like any other, to be answered by a replay.
	 * @param token the token the request carried
	 */
	public void accepted(CachedToken token) {
		token.replacesRefused(false);
	}

	/**
	 * A fresh token got 401 again: further 401s pass through without new token requests for
	 * the cool-down. After it, a 401 on the same token drops it and replays.
	 * @param refused the refused token
	 * @param coolDown how long
	 */
	public void replayRefused(CachedToken refused, Duration coolDown) {
		RegistrationState state = this.registrations.get(refused.registrationId());
		if (state != null) {
			state.replayCoolDown = new CoolDown(this.clock.millis(), coolDown);
			refused.replacesRefused(false);
		}
	}

	/**
	 * A request was sent again with the DPoP nonce its API asked for (not a rejected token:
	 * nothing is dropped and no cool-down starts).
	 * @param registrationId the registration id
	 */
	public void dpopNonceRetried(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		if (state != null) {
			state.observer.dpopNonceRetry(NonceSource.API);
		}
	}

	/**
	 * Whether a token request of this registration is in flight (a first fetch, a refresh,
	 * or one of their retries).
	 * @param registrationId the registration id
	 * @return whether one is in flight
	 */
	public boolean isRequestInFlight(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		return state != null && state.inFlight() != null;
	}

	/**
	 * The ids of the registrations served.
	 * @return the ids
	 */
	public Set<String> registrationIds() {
		return this.registrations.keySet();
	}

	/**
	 * Whether the registration is served here.
	 * @param registrationId the id
	 * @return whether it is known
	 */
	public boolean contains(String registrationId) {
		return this.registrations.containsKey(registrationId);
	}

	/**
	 * The usable cached token, without counting a lookup or starting a request.
	 * @param registrationId the id
	 * @return the token, or {@code null}
	 */
	public @Nullable CachedToken peek(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		CachedToken token = (state != null) ? state.current() : null;
		return (token != null && this.clock.millis() < token.usableUntilMillis()) ? token : null;
	}

	/**
	 * Where a registration stands, for the Actuator endpoint and health.
	 * @param registrationId the id
	 * @return the status, or {@code null} for an unknown id
	 */
	public @Nullable TokenStatus status(String registrationId) {
		RegistrationState state = this.registrations.get(registrationId);
		if (state == null) {
			return null;
		}
		CachedToken token = peek(registrationId);
		LastError lastError = state.lastError;
		TokenStatus.State current;
		if (token != null) {
			current = TokenStatus.State.VALID;
		}
		else if (lastError != null) {
			current = TokenStatus.State.FAILED;
		}
		else {
			current = (state.lastRefresh != null) ? TokenStatus.State.EXPIRED : TokenStatus.State.NONE;
		}
		return new TokenStatus(registrationId, current, (token != null) ? token.expiresAt() : null,
				(token != null) ? token.scopes() : Set.of(), state.lastRefresh, lastError);
	}

	/**
	 * The Caffeine cache, for binding its statistics to a meter registry.
	 * @return the cache
	 */
	public Cache<String, CachedToken> caffeine() {
		return this.tokens;
	}

	/**
	 * A wait that began at one instant of the clock. Only a remaining wait between zero and
	 * the wait's own length counts: a clock stepped back (an NTP step, a restored VM) must not
	 * stretch a cool-down by the size of the step.
	 */
	private record CoolDown(long untilMillis, long lengthMillis) {

		CoolDown(long startMillis, Duration length) {
			this(startMillis + length.toMillis(), length.toMillis());
		}

		boolean isActive(long now) {
			long remaining = this.untilMillis - now;
			return remaining > 0 && remaining <= this.lengthMillis;
		}

	}

	/** A failed request, answered at once to callers during its cool-down. */
	private static final class Failure {

		private final TokenEndpointException exception;

		private final RuntimeException other;

		private final CoolDown coolDown;

		private final String registrationId;

		Failure(String registrationId, Throwable ex, CoolDown coolDown) {
			this.registrationId = registrationId;
			this.exception = (ex instanceof TokenEndpointException endpoint) ? endpoint : null;
			this.other = (this.exception == null) ? asRuntime(ex) : null;
			this.coolDown = coolDown;
		}

		private static RuntimeException asRuntime(Throwable ex) {
			return (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}

		RuntimeException repeat(long now) {
			if (this.exception == null) {
				return this.other;
			}
			return TokenEndpointException.coolingDown(this.registrationId, this.exception,
					Duration.ofMillis(this.coolDown.untilMillis() - now));
		}

	}

	/**
	 * One registration's state, and the {@code Mono} {@link #token(String)} returns for it: a
	 * subscription looks the token up then, so a {@code Mono} kept and subscribed again never
	 * hands out a token past its usable life. Being the {@code Mono} itself, the state is the
	 * only object a hit reaches before the token.
	 */
	private final class RegistrationState extends Mono<CachedToken> {

		private final TokenRegistration registration;

		private final RegistrationObserver observer;

		// Two volatile fields with atomic updates rather than two AtomicReferences: 100,000
		// registrations keep 3.2 MB less, and a hit reads the token one reference nearer.
		private static final AtomicReferenceFieldUpdater<RegistrationState, CompletableFuture> IN_FLIGHT = AtomicReferenceFieldUpdater
			.newUpdater(RegistrationState.class, CompletableFuture.class, "inFlight");

		private static final AtomicReferenceFieldUpdater<RegistrationState, CachedToken> CURRENT = AtomicReferenceFieldUpdater
			.newUpdater(RegistrationState.class, CachedToken.class, "current");

		private volatile @Nullable CompletableFuture<CachedToken> inFlight;

		/** The token Caffeine holds for this registration, for lookups that take no lock. */
		private volatile @Nullable CachedToken current;

		@Nullable CachedToken current() {
			return this.current;
		}

		void setCurrent(@Nullable CachedToken token) {
			this.current = token;
		}

		boolean compareAndSetCurrent(@Nullable CachedToken expected, @Nullable CachedToken token) {
			return CURRENT.compareAndSet(this, expected, token);
		}

		@Nullable CachedToken getAndSetCurrent(@Nullable CachedToken token) {
			return CURRENT.getAndSet(this, token);
		}

		@Nullable CompletableFuture<CachedToken> inFlight() {
			return this.inFlight;
		}

		@SuppressWarnings("unchecked")
		boolean compareAndSetInFlight(@Nullable CompletableFuture<CachedToken> expected,
				@Nullable CompletableFuture<CachedToken> future) {
			return IN_FLIGHT.compareAndSet(this, expected, future);
		}

		@Override
		public void subscribe(CoreSubscriber<? super CachedToken> actual) {
			Mono<CachedToken> fetched;
			try {
				long now = TokenCache.this.clock.millis();
				CachedToken hit = hit(this, now);
				if (hit != null) {
					// as Mono.just would, without one more object to reach
					actual.onSubscribe(Operators.scalarSubscription(actual, hit));
					return;
				}
				fetched = fetch(this, now);
			}
			catch (Throwable ex) {
				Operators.error(actual, Operators.onOperatorError(ex, actual.currentContext()));
				return;
			}
			fetched.subscribe(actual);
		}

		private volatile @Nullable Failure failure;

		private volatile int consecutiveFailures;

		private volatile @Nullable LastError lastError;

		private volatile @Nullable Instant lastRefresh;

		private volatile @Nullable CoolDown replayCoolDown;

		/** A 401 dropped the last token: the next one cached replaces a refused token. */
		private volatile boolean refused;

		/** The last token a 401 dropped: never taken back from the shared store. */
		private volatile @Nullable CachedToken unauthorized;

		/** The group of a registration added at run time, else {@code null}. */
		private final @Nullable String group;

		RegistrationState(TokenRegistration registration, RegistrationObserver observer, @Nullable String group) {
			this.registration = registration;
			this.observer = observer;
			this.group = group;
		}

		boolean isUnauthorized(IssuedToken shared) {
			CachedToken unauthorized = this.unauthorized;
			return unauthorized != null && unauthorized.value().equals(shared.value());
		}

		String metricsClient() {
			return (this.group != null) ? this.group : this.registration.id();
		}

		void succeeded(CachedToken token) {
			this.failure = null;
			this.consecutiveFailures = 0;
			this.lastError = null;
			this.lastRefresh = token.receivedAt();
		}

		void failed(Throwable ex, long now) {
			int failures = this.consecutiveFailures + 1;
			this.consecutiveFailures = failures;
			Duration coolDown = jittered(this.registration.retry().coolDown(failures));
			if (ex instanceof TokenEndpointException endpoint) {
				this.lastError = LastError.of(Instant.ofEpochMilli(now), endpoint);
				coolDown = holding(endpoint, coolDown);
				if (logger.isWarnEnabled()) {
					logger.warn(endpoint.getMessage() + "; next attempt in " + coolDown.toMillis() + " ms");
				}
			}
			else if (logger.isWarnEnabled()) {
				logger.warn("Token request for registration '" + this.registration.id() + "' failed: " + ex);
			}
			this.failure = new Failure(this.registration.id(), ex, new CoolDown(now, coolDown));
		}

		/** How long the fleet holds this registration's next failure (no jitter: one instance sets it). */
		Duration holdingFor(TokenEndpointException failure) {
			return holding(failure, this.registration.retry().coolDown(this.consecutiveFailures + 1));
		}

		/**
		 * A failure holds for its cool-down, or a rate limit's {@code Retry-After} when
		 * longer; one that another instance of the fleet had holds for what is left of it.
		 */
		private static Duration holding(TokenEndpointException failure, Duration coolDown) {
			Duration retryAfter = failure.getRetryAfter();
			if (retryAfter == null) {
				return coolDown;
			}
			if (failure.isCoolingDown()) {
				return retryAfter;
			}
			return (failure.getOutcome() == TokenRequestOutcome.RATE_LIMITED && retryAfter.compareTo(coolDown) > 0)
					? retryAfter : coolDown;
		}

		/** Spreads the instances of a fleet that failed together: up to a quarter shorter. */
		private Duration jittered(Duration coolDown) {
			long millis = coolDown.toMillis();
			long jitter = (long) (millis * TokenRetryPolicy.JITTER / 2 * ThreadLocalRandom.current().nextDouble());
			return Duration.ofMillis(millis - jitter);
		}

	}

}
