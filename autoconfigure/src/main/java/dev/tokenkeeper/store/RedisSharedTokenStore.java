package dev.tokenkeeper.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.observation.TokenRequestObservationContext;
import dev.tokenkeeper.store.SharedTokenStoreObserver.Result;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.IssuedToken;
import dev.tokenkeeper.token.TokenEndpointException;

/**
 * Shares tokens between the instances of a fleet through Redis, behind each instance's own
 * cache: one instance requests a token while the others wait for it, so a fleet makes one
 * token request per registration per token lifetime.
 * <ul>
 * <li>Each token lives under a key derived from what it was minted for, encrypted with
 * {@link TokenEncryption}. The value carries when the token was received and how long it
 * lives; each instance judges expiry with its own {@link Clock}. The key's Redis TTL only
 * cleans up.</li>
 * <li>An instance that finds no usable token takes a lock ({@code SET NX PX} with a random
 * owner), requests the token, shares it and releases the lock (a Lua compare-and-delete, so
 * only its owner releases it). While its request runs, the owner extends the lock every third
 * of the lock timeout (a Lua compare-and-extend, as Redisson's watchdog does), so the lock
 * outlives a dead owner by at most the lock timeout, however long a live owner's request
 * takes. The others poll for the token while the lock is held, and take the lock themselves
 * once it is gone; only after the longest a token request can take (its attempts, timeouts
 * and backoffs) do they request their own without it. Locks still held are released on
 * shutdown.</li>
 * <li>When the owner's request fails, it writes the failure (outcome, status and the
 * provider's redacted error, never a secret or a token; sealed like tokens) under a key
 * beside the token's before it releases the lock. Until the longer of its cool-down and the
 * provider's {@code Retry-After} has passed (judged by each instance's {@link Clock}; the
 * Redis TTL only cleans up), callers on every instance get that failure at once instead of
 * each instance sending a request of its own.</li>
 * <li>A 401 drops the shared token only if it is still the rejected one (Lua
 * compare-and-delete): a stale 401 never drops a newer token. The drop, and an eviction, is
 * published on the {@code tokenkeeper:invalidations} channel with the token's keyed tag
 * (never the token), so every other instance drops its near-cache copy of that same token
 * at once rather than after a 401 of its own.</li>
 * <li>Every Redis command has a short timeout of its own. When Redis is down or slow, the
 * instance requests its own token and calls keep working; sharing resumes once Redis
 * answers again.</li>
 * </ul>
 *
 * @author TokenKeeper
 */
public final class RedisSharedTokenStore implements SharedTokenStore, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSharedTokenStore.class);

	/** A lock released only by its owner; an unreadable entry dropped only if unchanged. */
	private static final RedisScript<Long> DELETE_IF_EQUAL = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

	/** A lock extended only by its owner, while its token request runs. */
	private static final RedisScript<Long> EXTEND_IF_EQUAL = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
			Long.class);

	/** The entry of one token (by its tag prefix) dropped, never a newer token's. */
	private static final RedisScript<Long> DELETE_IF_PREFIXED = RedisScript.of("local value = redis.call('get', KEYS[1]) "
			+ "if value and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then "
			+ "return redis.call('del', KEYS[1]) else return 0 end", Long.class);

	/** Where instances tell each other which token they dropped. */
	static final String INVALIDATIONS = "tokenkeeper:invalidations";

	/** Every value of the registration's token dropped: an eviction. */
	private static final String ANY_TOKEN = "*";

	private final ReactiveStringRedisTemplate redis;

	/** Tells this instance's own invalidation messages from the others'. */
	private final String instanceId = UUID.randomUUID().toString();

	/** The registrations this instance has looked up, by token key: what a message may concern. */
	private final Map<String, Set<String>> registrationsByKey = new ConcurrentHashMap<>();

	private volatile @Nullable Disposable invalidations;

	private final TokenEncryption encryption;

	private final Clock clock;

	private final Duration commandTimeout;

	private final Duration lockTimeout;

	private final Duration pollInterval;

	private final Duration longestRequest;

	private final SharedTokenStoreObserver observer;

	/** Locks this instance holds, by owner value, for release on shutdown. */
	private final Map<String, HeldLock> heldLocks = new ConcurrentHashMap<>();

	/** The prefix of the last token a 401 rejected, by token key: never taken from Redis again. */
	private final Map<String, String> rejected = new ConcurrentHashMap<>();

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	/** Tokens this instance fetched without sharing because Redis failed, by registration. */
	private final Map<String, AtomicLong> fallbacks = new ConcurrentHashMap<>();

	private volatile @Nullable StoreError lastError;

	/**
	 * Create a store.
	 * @param connectionFactory the Redis connection
	 * @param encryption how tokens are written
	 * @param clock the clock that judges expiry
	 * @param commandTimeout the longest wait for one Redis command
	 * @param lockTimeout how long an instance may hold the lock of a token request, and how
	 * long the others wait for its result
	 * @param pollInterval how often waiting instances look for the result
	 * @param observer hears which path served each token
	 */
	public RedisSharedTokenStore(ReactiveRedisConnectionFactory connectionFactory, TokenEncryption encryption,
			Clock clock, Duration commandTimeout, Duration lockTimeout, Duration pollInterval,
			SharedTokenStoreObserver observer) {
		this(connectionFactory, encryption, clock, commandTimeout, lockTimeout, pollInterval, lockTimeout, observer);
	}

	/**
	 * Create a store.
	 * @param connectionFactory the Redis connection
	 * @param encryption how tokens are written
	 * @param clock the clock that judges expiry
	 * @param commandTimeout the longest wait for one Redis command
	 * @param lockTimeout how long the lock of a token request outlives an owner that stopped
	 * extending it (the owner extends it every third of this while its request runs)
	 * @param pollInterval how often waiting instances look for the result
	 * @param longestRequest the longest a token request can take, retries included: how long
	 * others wait for a lock that is still held before requesting their own
	 * @param observer hears which path served each token
	 */
	public RedisSharedTokenStore(ReactiveRedisConnectionFactory connectionFactory, TokenEncryption encryption,
			Clock clock, Duration commandTimeout, Duration lockTimeout, Duration pollInterval, Duration longestRequest,
			SharedTokenStoreObserver observer) {
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.encryption = encryption;
		this.clock = clock;
		this.commandTimeout = commandTimeout;
		this.lockTimeout = lockTimeout;
		this.pollInterval = pollInterval;
		this.longestRequest = longestRequest;
		this.observer = observer;
	}

	@Override
	public Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable,
			Mono<IssuedToken> fetch) {
		return obtain(credentials, usable, fetch, (failure) -> {
			Duration retryAfter = failure.getRetryAfter();
			return (retryAfter != null) ? retryAfter : Duration.ZERO;
		});
	}

	@Override
	public Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable,
			Mono<IssuedToken> fetch, Function<TokenEndpointException, Duration> holdFailure) {
		// metrics carry the cache's tag for the registration (a run-time client's group), never an
		// unbounded set of ids
		return Mono.deferContextual((context) -> {
			Lookup lookup = new Lookup(credentials.registrationId(),
					context.getOrDefault(TokenRequestObservationContext.CLIENT_TAG_KEY, credentials.registrationId()),
					known(credentials), usable, fetch, holdFailure, System.nanoTime() + this.longestRequest.toNanos());
			return attempt(lookup).onErrorResume(Unavailable.class, (ex) -> {
				unreachable(ex.getCause());
				return fetch.doOnNext((token) -> served(lookup, Result.FALLBACK));
			});
		})
			// Waiting callers continue off Redis's I/O threads, as they would off the token
			// client's without a shared store.
			.publishOn(Schedulers.parallel());
	}

	/**
	 * Take the shared token, or the failure the fleet still holds, or the lock and request
	 * it, or wait for whoever holds the lock.
	 */
	private Mono<IssuedToken> attempt(Lookup lookup) {
		return read(lookup).doOnNext((token) -> served(lookup, Result.SHARED))
			.switchIfEmpty(Mono.defer(() -> heldFailure(lookup)))
			.switchIfEmpty(Mono.defer(() -> {
				String owner = UUID.randomUUID().toString();
				return lock(lookup, owner)
					.flatMap((acquired) -> acquired ? requestAsOwner(lookup, owner) : waitOrRequest(lookup));
			}));
	}

	private Mono<IssuedToken> read(Lookup lookup) {
		String key = lookup.key.token();
		return command(this.redis.opsForValue().get(key)).flatMap((stored) -> {
			IssuedToken token = this.encryption.open(key, stored);
			Boolean usable = (token != null) ? isUsable(lookup, token, stored) : null;
			if (usable == null) {
				if (logger.isWarnEnabled()) {
					logger.warn("Discarding the shared token of registration '" + lookup.registrationId + "': "
							+ (this.encryption.isEncrypted()
									? "it does not decrypt or authenticate with this instance's encryption key"
									: "it is malformed or its times cannot be judged"));
				}
				return command(this.redis.execute(DELETE_IF_EQUAL, List.of(key), List.of(stored)).next())
					.then(Mono.empty());
			}
			return usable ? Mono.just(token) : Mono.empty();
		});
	}

	/**
	 * Whether a shared token serves this lookup, or {@code null} when its times cannot be
	 * judged at all (an overflowing instant in an entry written by someone else).
	 */
	private @Nullable Boolean isUsable(Lookup lookup, IssuedToken token, String stored) {
		try {
			long expiresAt = token.receivedAt().plus(token.lifetime()).toEpochMilli();
			String rejectedPrefix = this.rejected.get(lookup.key.token());
			return this.clock.millis() < expiresAt && lookup.usable.test(token)
					&& (rejectedPrefix == null || !stored.startsWith(rejectedPrefix));
		}
		catch (ArithmeticException | java.time.DateTimeException ex) {
			return null;
		}
	}

	private Mono<Boolean> lock(Lookup lookup, String owner) {
		String lock = lookup.key.lock();
		return command(this.redis.opsForValue().setIfAbsent(lock, owner, this.lockTimeout))
			.doOnError((ex) -> {
				// A SET that reached a slow Redis may still take effect: undo it once it has.
				this.redis.execute(DELETE_IF_EQUAL, List.of(lock), List.of(owner))
					.subscribe(null, (failure) -> logger.trace("Could not release a lock after a failed SET"));
			});
	}

	private Mono<IssuedToken> requestAsOwner(Lookup lookup, String owner) {
		// The lock is extended while the request runs, and released before the token is
		// handed on, also when the request fails.
		return Mono.usingWhen(Mono.fromSupplier(() -> hold(lookup.key.lock(), owner)),
				(held) -> read(lookup).doOnNext((token) -> served(lookup, Result.SHARED))
					// The token, or a failure, may have been shared between this instance's
					// miss and its lock.
					.switchIfEmpty(Mono.defer(() -> heldFailure(lookup)))
					.switchIfEmpty(Mono.defer(() -> fetchAndShare(lookup))),
				this::release, (held, ex) -> release(held), this::release);
	}

	/** Extend the lock every third of the lock timeout until released or no longer ours. */
	private HeldLock hold(String lock, String owner) {
		Duration period = Duration.ofMillis(Math.max(1, this.lockTimeout.toMillis() / 3));
		List<String> args = List.of(owner, String.valueOf(this.lockTimeout.toMillis()));
		// Timers on Reactor's parallel scheduler and non-blocking commands: never an event loop blocked.
		Disposable renewal = Flux.interval(period, period, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> command(this.redis.execute(EXTEND_IF_EQUAL, List.of(lock), args).next())
				// A renewal Redis missed is tried again at the next tick, while the lock lasts.
				.onErrorResume(Unavailable.class, (ex) -> Mono.just(-1L)))
			.takeWhile((extended) -> extended != 0)
			.subscribe(null, (ex) -> logger.debug("Stopped extending a token lock: " + ex.getClass().getSimpleName()),
					() -> logger.debug("Stopped extending a token lock that is no longer this instance's"));
		HeldLock held = new HeldLock(lock, owner, renewal);
		this.heldLocks.put(owner, held);
		return held;
	}

	private Mono<IssuedToken> waitOrRequest(Lookup lookup) {
		if (System.nanoTime() - lookup.waitUntilNanos >= 0) {
			if (logger.isInfoEnabled()) {
				logger.info("No shared token for registration '" + lookup.registrationId
						+ "' within the longest a token request can take (" + this.longestRequest.toMillis()
						+ " ms) while another instance held its lock; requesting one here");
			}
			return fetchAndShare(lookup);
		}
		return Mono.delay(this.pollInterval).then(Mono.defer(() -> attempt(lookup)));
	}

	/** Request the token and share the result: the token, or the failure. */
	private Mono<IssuedToken> fetchAndShare(Lookup lookup) {
		return lookup.fetch.flatMap((token) -> share(lookup, token))
			// Written before the lock is released, so that no waiter takes the lock and
			// runs a retry chain of its own against a provider that is failing.
			.onErrorResume(TokenEndpointException.class,
					(failure) -> shareFailure(lookup, failure).then(Mono.error(failure)));
	}

	/** The failure another instance had, while it still holds; else nothing. */
	private Mono<IssuedToken> heldFailure(Lookup lookup) {
		String key = lookup.key.failure();
		return command(this.redis.opsForValue().get(key)).flatMap((stored) -> {
			byte[] record = this.encryption.openRecord(key, stored);
			SharedFailure failure = (record != null) ? SharedFailure.decode(record) : null;
			long now = this.clock.millis();
			if (failure == null || now >= failure.notBeforeMillis()) {
				return Mono.empty();
			}
			return Mono.error(failure.exception(lookup.registrationId, now));
		});
	}

	private Mono<Void> shareFailure(Lookup lookup, TokenEndpointException failure) {
		Duration hold = lookup.holdFailure.apply(failure);
		if (hold.toMillis() <= 0) {
			return Mono.empty();
		}
		String key = lookup.key.failure();
		String value;
		try {
			value = this.encryption.sealRecord(key,
					SharedFailure.of(failure, this.clock.millis() + hold.toMillis()).encode());
		}
		catch (RuntimeException ex) {
			logger.debug("Could not write the failure of registration '" + lookup.registrationId + "' for the fleet");
			return Mono.empty();
		}
		return command(this.redis.opsForValue().set(key, value, hold)).then()
			.onErrorResume(Unavailable.class, (ex) -> {
				unreachable(ex.getCause());
				return Mono.empty();
			});
	}

	/** Write the token this instance requested for the others; it is served either way. */
	private Mono<IssuedToken> share(Lookup lookup, IssuedToken token) {
		long ttlMillis = token.receivedAt().plus(token.lifetime()).toEpochMilli() - this.clock.millis();
		if (ttlMillis <= 0) {
			served(lookup, Result.FETCHED);
			return Mono.just(token);
		}
		String key = lookup.key.token();
		return command(this.redis.opsForValue().set(key, this.encryption.seal(key, token), Duration.ofMillis(ttlMillis)))
			.then(Mono.fromSupplier(() -> {
				served(lookup, Result.FETCHED);
				return token;
			}))
			.onErrorResume(Unavailable.class, (ex) -> {
				unreachable(ex.getCause());
				served(lookup, Result.FALLBACK);
				return Mono.just(token);
			});
	}

	private Mono<Void> release(HeldLock held) {
		held.renewal.dispose();
		return command(this.redis.execute(DELETE_IF_EQUAL, List.of(held.lock), List.of(held.owner)).next())
			.doFinally((signal) -> this.heldLocks.remove(held.owner))
			.then()
			.onErrorResume((ex) -> {
				logger.debug("Could not release a token lock; it expires after the lock timeout");
				return Mono.empty();
			});
	}

	/** The keys of these credentials, remembered so that messages about them reach this instance's cache. */
	private SharedTokenKey known(ClientCredentials credentials) {
		SharedTokenKey key = SharedTokenKey.of(credentials);
		this.registrationsByKey.computeIfAbsent(key.token(), (token) -> ConcurrentHashMap.newKeySet())
			.add(credentials.registrationId());
		return key;
	}

	@Override
	public Mono<Void> invalidate(ClientCredentials credentials, @Nullable String tokenValue) {
		return Mono.defer(() -> {
			String key = known(credentials).token();
			if (tokenValue == null) {
				this.rejected.remove(key);
				return command(this.redis.delete(key)).then(publish(key, ANY_TOKEN));
			}
			String prefix = this.encryption.prefix(tokenValue);
			this.rejected.put(key, prefix);
			return command(this.redis.execute(DELETE_IF_PREFIXED, List.of(key), List.of(prefix)).next())
				// Told also when the shared entry was newer: other instances may still hold this one.
				.then(publish(key, prefix));
		}).then().onErrorResume(Unavailable.class, (ex) -> {
			unreachable(ex.getCause());
			return Mono.empty();
		});
	}

	/** {@code <instance> <token key> <tag prefix or *>}: which token, never the token. */
	private Mono<Long> publish(String key, String prefix) {
		return command(this.redis.convertAndSend(INVALIDATIONS, this.instanceId + " " + key + " " + prefix));
	}

	@Override
	public void onDropped(DroppedTokens listener) {
		// Resubscribed with backoff whenever the subscription fails (Redis down at start-up,
		// a failover); a message missed meanwhile costs that instance one 401.
		// Deferred and off the caller's thread: the listener container connects when it is
		// created, and start-up must neither wait for Redis nor fail without it.
		this.invalidations = Flux.defer(() -> this.redis.listenToChannel(INVALIDATIONS))
			.subscribeOn(Schedulers.boundedElastic())
			.doOnNext((message) -> dropped(message.getMessage(), listener))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5)))
			.subscribe(null, (ex) -> logger.debug("Stopped listening for invalidations: " + describe(ex)));
	}

	private void dropped(String message, DroppedTokens listener) {
		String[] parts = message.split(" ", 3);
		if (parts.length != 3 || parts[0].equals(this.instanceId)) {
			return;
		}
		Set<String> registrationIds = this.registrationsByKey.get(parts[1]);
		if (registrationIds == null) {
			return;
		}
		String prefix = parts[2];
		Predicate<String> isDropped = ANY_TOKEN.equals(prefix) ? (value) -> true
				: (value) -> this.encryption.prefix(value).equals(prefix);
		registrationIds.forEach((registrationId) -> listener.dropped(registrationId, isDropped));
	}

	/** Release the locks this instance still holds, so that no other instance waits for them. */
	@Override
	public void destroy() {
		Disposable subscription = this.invalidations;
		if (subscription != null) {
			subscription.dispose();
		}
		this.heldLocks.forEach((owner, held) -> {
			held.renewal.dispose();
			try {
				command(this.redis.execute(DELETE_IF_EQUAL, List.of(held.lock), List.of(owner)).next())
					.block(this.commandTimeout.multipliedBy(2));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not release a token lock on shutdown; it expires after the lock timeout");
			}
		});
		this.heldLocks.clear();
	}

	/** A Redis command with TokenKeeper's own timeout; any failure becomes {@link Unavailable}. */
	private <T> Mono<T> command(Mono<T> command) {
		return command.timeout(this.commandTimeout)
			.doOnSuccess((result) -> reachable())
			.onErrorMap((ex) -> !(ex instanceof Unavailable), Unavailable::new);
	}

	private void served(Lookup lookup, Result result) {
		if (result == Result.FALLBACK) {
			this.fallbacks.computeIfAbsent(lookup.registrationId, (id) -> new AtomicLong()).incrementAndGet();
		}
		this.observer.served(lookup.metricsClient, result);
	}

	@Override
	public Map<String, Object> health(String registrationId) {
		Map<String, Object> health = new LinkedHashMap<>();
		health.put("type", "redis");
		health.put("reachable", this.reachable.get());
		AtomicLong fallbacks = this.fallbacks.get(registrationId);
		health.put("fallbacks", (fallbacks != null) ? fallbacks.get() : 0L);
		StoreError error = this.lastError;
		if (error != null) {
			// The exception's type only: driver messages may carry addresses or user names.
			health.put("lastError", Map.of("at", error.at(), "type", error.type()));
		}
		return health;
	}

	private void reachable() {
		if (!this.reachable.get() && this.reachable.compareAndSet(false, true)) {
			logger.info("Redis answers again: this instance shares tokens again");
		}
	}

	private void unreachable(Throwable ex) {
		this.lastError = new StoreError(this.clock.instant(),
				(ex instanceof TimeoutException) ? "timeout" : ex.getClass().getSimpleName());
		if (this.reachable.compareAndSet(true, false)) {
			if (logger.isWarnEnabled()) {
				logger.warn("Redis failed or did not answer within " + this.commandTimeout.toMillis()
						+ " ms; this instance requests its own tokens until Redis answers again (" + describe(ex) + ")");
			}
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Redis still unavailable; requesting a token without sharing (" + describe(ex) + ")");
		}
	}

	private static String describe(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getClass().getSimpleName() + ": " + ex.getMessage()
				: ex.getClass().getSimpleName();
	}

	@Override
	public String toString() {
		return "RedisSharedTokenStore[" + this.encryption + ", commandTimeout=" + this.commandTimeout
				+ ", lockTimeout=" + this.lockTimeout + "]";
	}

	/** One call of {@link #obtain}. */
	private record Lookup(String registrationId, String metricsClient, SharedTokenKey key, Predicate<IssuedToken> usable,
			Mono<IssuedToken> fetch, Function<TokenEndpointException, Duration> holdFailure, long waitUntilNanos) {

	}

	/** The last time Redis failed this instance, and how. */
	private record StoreError(Instant at, String type) {

	}

	/** A lock this instance holds, and the renewal that extends it. */
	private record HeldLock(String lock, String owner, Disposable renewal) {

	}

	/** Redis failed or did not answer in time. */
	private static final class Unavailable extends RuntimeException {

		Unavailable(Throwable cause) {
			super(null, cause, false, false);
		}

	}

}
