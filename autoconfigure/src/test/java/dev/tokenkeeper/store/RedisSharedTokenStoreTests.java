package dev.tokenkeeper.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.lettuce.core.ScanArgs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenCacheObserver;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.cache.TokenRetryPolicy;
import dev.tokenkeeper.test.EncryptionKeys;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RedisServer;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.IssuedToken;
import dev.tokenkeeper.token.IssuedToken.LifetimeSource;
import dev.tokenkeeper.token.ProviderProfile;
import dev.tokenkeeper.token.TokenEndpointClient;
import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenLifetimePolicy;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link RedisSharedTokenStore} against a real Redis: each store stands for one instance of a
 * fleet, with its own connection.
 */
class RedisSharedTokenStoreTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final ClientCredentials CREDENTIALS = credentials(List.of("rooms:read"));

	private static final Predicate<IssuedToken> ANY = (token) -> true;

	private static final long NOW_SECONDS = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

	@RegisterExtension
	static final RedisServer redis = RedisServer.perClass();

	private final String key = EncryptionKeys.random();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final List<LettuceConnectionFactory> connections = new ArrayList<>();

	private final List<RedisSharedTokenStore> stores = new ArrayList<>();

	@BeforeEach
	void flush() {
		redis.commands().flushall();
	}

	@AfterEach
	void close() {
		this.stores.forEach(RedisSharedTokenStore::destroy);
		this.connections.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void obtainWhenNothingSharedThenFetchesOnceAndStoresCiphertextWithTtl() {
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(CREDENTIALS, ANY, fetch(fetches, "secret-token-1")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("secret-token-1");
		assertThat(fetches).hasValue(1);
		List<String> keys = redis.commands().scan(ScanArgs.Builder.matches("tokenkeeper:*")).getKeys();
		assertThat(keys).singleElement().asString().matches("tokenkeeper:token:[0-9a-f]{64}");
		String stored = redis.commands().get(keys.get(0));
		assertThat(stored).startsWith("e1.").doesNotContain("secret-token-1");
		assertThat(StoredValues.payloadText(stored)).doesNotContain("secret-token-1");
		assertThat(redis.commands().pttl(keys.get(0))).isBetween(1L, 300_000L);
		assertThat(result("fetched")).isEqualTo(1);
	}

	@Test
	void obtainWhenAnotherInstanceSharedATokenThenUsesItWithoutFetching() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("token-1");
		assertThat(token.receivedAt()).isEqualTo(this.clock.instant());
		assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(300));
		assertThat(token.scopes()).containsExactly("rooms:read");
		assertThat(token.lifetimeSource()).isEqualTo(LifetimeSource.EXPIRES_IN);
		assertThat(fetches).hasValue(0);
		assertThat(result("shared")).isEqualTo(1);
	}

	@Test
	void obtainWhenSharedTokenExpiredByTheClockThenFetchesAlthoughRedisStillHoldsIt() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(300));
		assertThat(redis.commands().pttl(tokenKey(CREDENTIALS))).isPositive();
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("token-2");
		assertThat(fetches).hasValue(1);
		assertThat(store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-3")).block(TIMEOUT).value())
			.isEqualTo("token-2");
	}

	@Test
	void obtainWhenSharedTokenNotUsableForThisInstanceThenFetches() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(CREDENTIALS, (shared) -> false, fetch(fetches, "token-2")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("token-2");
		assertThat(fetches).hasValue(1);
	}

	@Test
	void obtainWhenValueWrittenWithAnotherKeyThenDiscardsItAndFetches() {
		store(TokenEncryption.aesGcm(EncryptionKeys.random()), Duration.ofSeconds(10))
			.obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1"))
			.block(TIMEOUT);
		String foreign = redis.commands().get(tokenKey(CREDENTIALS));
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("token-2");
		assertThat(fetches).hasValue(1);
		assertThat(redis.commands().get(tokenKey(CREDENTIALS))).isNotEqualTo(foreign);
		assertThat(store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-3")).block(TIMEOUT).value())
			.isEqualTo("token-2");
	}

	@Test
	void obtainWhenValueTamperedWithThenDiscardsItAndFetches() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		String key = tokenKey(CREDENTIALS);
		redis.commands().set(key, StoredValues.tampered(redis.commands().get(key)));
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("token-2");
		assertThat(fetches).hasValue(1);
	}

	@Test
	void obtainWhenValueMovedFromAnotherRegistrationsKeyThenDiscardsItAndFetches() {
		ClientCredentials other = credentials(List.of("rooms:write"));
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "read-token")).block(TIMEOUT);
		redis.commands().set(tokenKey(other), redis.commands().get(tokenKey(CREDENTIALS)));
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store().obtain(other, ANY, fetch(fetches, "write-token")).block(TIMEOUT);
		assertThat(token.value()).isEqualTo("write-token");
		assertThat(fetches).hasValue(1);
	}

	@Test
	void invalidateWhenRejectedTokenIsNoLongerSharedThenKeepsTheNewerToken() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		store().obtain(CREDENTIALS, (shared) -> false, fetch(new AtomicInteger(), "token-2")).block(TIMEOUT);
		store().invalidate(CREDENTIALS, "token-1").block(TIMEOUT);
		AtomicInteger fetches = new AtomicInteger();
		assertThat(store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-3")).block(TIMEOUT).value())
			.isEqualTo("token-2");
		assertThat(fetches).hasValue(0);
	}

	@Test
	void invalidateWhenRejectedTokenIsSharedThenDeletesIt() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		store().invalidate(CREDENTIALS, "token-1").block(TIMEOUT);
		assertThat(redis.commands().exists(tokenKey(CREDENTIALS))).isZero();
	}

	@Test
	void obtainWhenThisInstanceRejectedTheSharedTokenThenFetchesEvenIfTheDeleteHasNotLanded() {
		RedisSharedTokenStore store = store();
		store.obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		String stored = redis.commands().get(tokenKey(CREDENTIALS));
		store.invalidate(CREDENTIALS, "token-1").block(TIMEOUT);
		// As if the delete were still on its way when this instance looks again.
		redis.commands().set(tokenKey(CREDENTIALS), stored);
		AtomicInteger fetches = new AtomicInteger();
		assertThat(store.obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT).value())
			.isEqualTo("token-2");
		assertThat(fetches).hasValue(1);
	}

	@Test
	void invalidateWhenALookupRunsBetweenTheLocalDropAndTheStoreThenTheRefusedTokenIsNotTakenBack() {
		WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		server.start();
		try {
			TokenEndpointStubs.sequence(server, "/oauth2/token", 300, "token-1", "token-2");
			ClientCredentials credentials = new ClientCredentials("partner", ProviderProfile.BASIC_FORM,
					URI.create(server.baseUrl() + "/oauth2/token"), "client", "secret", null, List.of(), Map.of());
			RedisSharedTokenStore shared = store();
			AtomicReference<Runnable> beforeInvalidate = new AtomicReference<>();
			// The real store; the test runs a lookup where another thread of a busy instance may
			// run one: after the cache dropped its token, before the store heard of the 401.
			SharedTokenStore store = new SharedTokenStore() {

				@Override
				public Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable,
						Mono<IssuedToken> fetch) {
					return shared.obtain(credentials, usable, fetch);
				}

				@Override
				public Mono<IssuedToken> obtain(ClientCredentials credentials, Predicate<IssuedToken> usable,
						Mono<IssuedToken> fetch, Function<TokenEndpointException, Duration> holdFailure) {
					return shared.obtain(credentials, usable, fetch, holdFailure);
				}

				@Override
				public Mono<Void> invalidate(ClientCredentials credentials, @Nullable String tokenValue) {
					Runnable hook = beforeInvalidate.getAndSet(null);
					if (hook != null) {
						hook.run();
					}
					return shared.invalidate(credentials, tokenValue);
				}

			};
			TokenCache cache = new TokenCache(List.of(registration(credentials)), tokenEndpointClient(), this.clock,
					100, TokenCacheObserver.NONE, store);
			assertThat(cache.token("partner").block(TIMEOUT).value()).isEqualTo("token-1");
			AtomicReference<String> lookedUpInBetween = new AtomicReference<>();
			beforeInvalidate.set(() -> lookedUpInBetween.set(cache.token("partner").block(TIMEOUT).value()));
			assertThat(cache.invalidate("partner", "token-1")).isTrue();
			// Without the fix the lookup took the refused token back from Redis, marked as the
			// fresh token after a 401, so its own 401 started the cool-down.
			assertThat(lookedUpInBetween).hasValue("token-2");
			assertThat(cache.token("partner").block(TIMEOUT).value()).isEqualTo("token-2");
			assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token")))).hasSize(2);
		}
		finally {
			server.stop();
		}
	}

	private TokenEndpointClient tokenEndpointClient() {
		return new TokenEndpointClient(
				ClientHttpConnectorBuilder.reactor()
					.build(HttpClientSettings.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))),
				this.clock, 64 * 1024, Duration.ofSeconds(2), Duration.ofMinutes(10));
	}

	private static TokenRegistration registration(ClientCredentials credentials) {
		return new TokenRegistration("partner", () -> credentials,
				new TokenLifetimePolicy(Duration.ofSeconds(60), 0.8, Duration.ofMinutes(5)),
				new TokenRetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5),
						Duration.ofMinutes(1), Duration.ofMinutes(10)));
	}

	@Test
	void invalidateWhenNoTokenGivenThenDeletesTheSharedToken() {
		store().obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1")).block(TIMEOUT);
		store().invalidate(CREDENTIALS, null).block(TIMEOUT);
		assertThat(redis.commands().exists(tokenKey(CREDENTIALS))).isZero();
	}

	@Test
	void obtainWhenAnotherInstanceHoldsTheLockThenWaitsForItsToken() {
		Sinks.One<IssuedToken> slowRequest = Sinks.one();
		CompletableFuture<IssuedToken> owner = store().obtain(CREDENTIALS, ANY, slowRequest.asMono()).toFuture();
		await().atMost(TIMEOUT).until(() -> redis.commands().exists(lockKey(CREDENTIALS)) == 1);
		AtomicInteger fetches = new AtomicInteger();
		CompletableFuture<IssuedToken> waiter = store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2"))
			.toFuture();
		slowRequest.tryEmitValue(issued("token-1"));
		assertThat(waiter).succeedsWithin(TIMEOUT).extracting(IssuedToken::value).isEqualTo("token-1");
		assertThat(owner).succeedsWithin(TIMEOUT).extracting(IssuedToken::value).isEqualTo("token-1");
		assertThat(fetches).hasValue(0);
		assertThat(redis.commands().exists(lockKey(CREDENTIALS))).isZero();
	}

	@Test
	void obtainWhenLockHeldByADeadOwnerThenFetchesAfterTheLockTimeout() {
		redis.commands().psetex(lockKey(CREDENTIALS), 60_000, "dead-owner");
		AtomicInteger fetches = new AtomicInteger();
		IssuedToken token = store(TokenEncryption.aesGcm(this.key), Duration.ofMillis(300))
			.obtain(CREDENTIALS, ANY, fetch(fetches, "token-1"))
			.block(TIMEOUT);
		assertThat(token.value()).isEqualTo("token-1");
		assertThat(fetches).hasValue(1);
		assertThat(redis.commands().get(lockKey(CREDENTIALS))).isEqualTo("dead-owner");
		assertThat(store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT).value())
			.isEqualTo("token-1");
	}

	@Test
	void obtainWhenTokenRequestFailsThenReleasesTheLockAndPassesTheFailureOn() {
		IllegalStateException failure = new IllegalStateException("endpoint down");
		Mono<IssuedToken> failing = Mono.error(failure);
		assertThat(store().obtain(CREDENTIALS, ANY, failing).toFuture()).failsWithin(TIMEOUT)
			.withThrowableThat()
			.havingCause()
			.isSameAs(failure);
		assertThat(redis.commands().exists(lockKey(CREDENTIALS))).isZero();
	}

	@Test
	void obtainWhenRedisUnreachableThenFetchesAndCountsAFallback() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			closedPort = socket.getLocalPort();
		}
		RedisSharedTokenStore store = store(closedPort, TokenEncryption.aesGcm(this.key), Duration.ofSeconds(10));
		AtomicInteger fetches = new AtomicInteger();
		assertThat(store.obtain(CREDENTIALS, ANY, fetch(fetches, "token-1")).block(TIMEOUT).value())
			.isEqualTo("token-1");
		assertThat(store.obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT).value())
			.isEqualTo("token-2");
		assertThat(fetches).hasValue(2);
		assertThat(result("fallback")).isEqualTo(2);
		assertThat(store.invalidate(CREDENTIALS, "token-2").toFuture()).succeedsWithin(TIMEOUT);
	}

	@Test
	void destroyWhenALockIsHeldThenReleasesIt() {
		RedisSharedTokenStore store = store();
		store.obtain(CREDENTIALS, ANY, Mono.never()).subscribe();
		await().atMost(TIMEOUT).until(() -> redis.commands().exists(lockKey(CREDENTIALS)) == 1);
		store.destroy();
		assertThat(redis.commands().exists(lockKey(CREDENTIALS))).isZero();
	}

	@Test
	void obtainWhenPlaintextAllowedThenStoresReadableValuesThatAnEncryptingInstanceDiscards() {
		store(TokenEncryption.plaintext(), Duration.ofSeconds(10))
			.obtain(CREDENTIALS, ANY, fetch(new AtomicInteger(), "token-1"))
			.block(TIMEOUT);
		String stored = redis.commands().get(tokenKey(CREDENTIALS));
		assertThat(stored).startsWith("p1.");
		assertThat(StoredValues.payloadText(stored)).contains("token-1");
		AtomicInteger fetches = new AtomicInteger();
		assertThat(store().obtain(CREDENTIALS, ANY, fetch(fetches, "token-2")).block(TIMEOUT).value())
			.isEqualTo("token-2");
		assertThat(fetches).hasValue(1);
	}

	/** Plain-text entries as anyone who can write to Redis may leave them. */
	static Stream<Arguments> unjudgeableEntries() {
		long near = Instant.MAX.getEpochSecond() - 10;
		return Stream.of(arguments("receivedAt near Instant.MAX", entry(near, 0, 300, 0, "EXPIRES_IN", false)),
				arguments("receivedAt far before the epoch", entry(Long.MIN_VALUE / 2, 0, 300, 0, "EXPIRES_IN", false)),
				arguments("lifetime near Long.MAX_VALUE", entry(NOW_SECONDS, 0, Long.MAX_VALUE, 0, "EXPIRES_IN", false)),
				arguments("negative lifetime", entry(NOW_SECONDS, 0, -300, 0, "EXPIRES_IN", false)),
				arguments("negative nanos", entry(NOW_SECONDS, -1, 300, 0, "EXPIRES_IN", false)),
				arguments("nanos of more than a second", entry(NOW_SECONDS, 0, 300, Integer.MAX_VALUE, "EXPIRES_IN", false)),
				arguments("unknown lifetime source", entry(NOW_SECONDS, 0, 300, 0, "FOREVER", false)),
				arguments("missing fields", entry(NOW_SECONDS, 0, 300, 0, "EXPIRES_IN", true)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unjudgeableEntries")
	void obtainWhenPlaintextEntryCannotBeJudgedThenDiscardsItAndFetchesOnce(String what, byte[] payload) {
		String key = tokenKey(CREDENTIALS);
		redis.commands()
			.set(key, TokenEncryption.plaintext().prefix("injected-token") + Base64.getEncoder().encodeToString(payload));
		AtomicInteger fetches = new AtomicInteger();
		// as TokenCache judges a shared token: instants from receivedAt and lifetime
		Predicate<IssuedToken> usable = (shared) -> this.clock.millis() < shared.receivedAt()
			.plus(shared.lifetime())
			.minusSeconds(30)
			.toEpochMilli();
		IssuedToken token = store(TokenEncryption.plaintext(), Duration.ofSeconds(10))
			.obtain(CREDENTIALS, usable, fetch(fetches, "fresh-token"))
			.block(TIMEOUT);
		assertThat(token.value()).isEqualTo("fresh-token");
		assertThat(fetches).hasValue(1);
		assertThat(StoredValues.payloadText(redis.commands().get(key))).contains("fresh-token")
			.doesNotContain("injected-token");
	}

	/** A plain-text payload as {@link IssuedTokenCodec} lays it out, with any numbers. */
	private static byte[] entry(long receivedSeconds, int receivedNanos, long lifetimeSeconds, int lifetimeNanos,
			String source, boolean truncated) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(1);
			writeString(out, "injected-token");
			out.writeInt(1);
			writeString(out, "rooms:read");
			out.writeLong(receivedSeconds);
			if (!truncated) {
				out.writeInt(receivedNanos);
				out.writeLong(lifetimeSeconds);
				out.writeInt(lifetimeNanos);
				writeString(out, source);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	private static void writeString(DataOutputStream out, String value) throws IOException {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private RedisSharedTokenStore store() {
		return store(TokenEncryption.aesGcm(this.key), Duration.ofSeconds(10));
	}

	private RedisSharedTokenStore store(TokenEncryption encryption, Duration lockTimeout) {
		return store(redis.port(), encryption, lockTimeout);
	}

	private RedisSharedTokenStore store(int port, TokenEncryption encryption, Duration lockTimeout) {
		LettuceConnectionFactory connection = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), port));
		connection.afterPropertiesSet();
		connection.start();
		this.connections.add(connection);
		RedisSharedTokenStore store = new RedisSharedTokenStore(connection, encryption, this.clock,
				Duration.ofMillis(500), lockTimeout, Duration.ofMillis(25), new SharedTokenStoreMetrics(this.meters));
		this.stores.add(store);
		return store;
	}

	private Mono<IssuedToken> fetch(AtomicInteger fetches, String value) {
		return Mono.fromSupplier(() -> {
			fetches.incrementAndGet();
			return issued(value);
		});
	}

	private IssuedToken issued(String value) {
		return new IssuedToken(value, Set.of("rooms:read"), this.clock.instant(), Duration.ofSeconds(300),
				LifetimeSource.EXPIRES_IN);
	}

	private double result(String result) {
		return this.meters.counter("tokenkeeper.store.results", "client", "partner", "result", result).count();
	}

	private static String tokenKey(ClientCredentials credentials) {
		return SharedTokenKey.of(credentials).token();
	}

	private static String lockKey(ClientCredentials credentials) {
		return SharedTokenKey.of(credentials).lock();
	}

	private static ClientCredentials credentials(List<String> scopes) {
		return new ClientCredentials("partner", ProviderProfile.BASIC_FORM,
				URI.create("https://auth.example.com/oauth2/token"), "client", "a+b/c:=%", null, scopes, Map.of());
	}

}
