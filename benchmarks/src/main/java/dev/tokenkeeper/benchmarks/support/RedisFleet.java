package dev.tokenkeeper.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;

import dev.tokenkeeper.store.RedisSharedTokenStore;
import dev.tokenkeeper.store.SharedTokenStoreObserver;
import dev.tokenkeeper.store.TokenEncryption;

/**
 * A {@code redis-server} process (from {@code bench.redisServer}, default
 * {@code /usr/bin/redis-server}) on a free loopback port, and fleets of TokenKeeper instances
 * sharing it: each instance its own Redis connection and {@link RedisSharedTokenStore} with
 * the {@code tokenkeeper.store.redis.*} defaults, all reading one clock.
 */
public final class RedisFleet implements AutoCloseable {

	private final Process process;

	private final int port;

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final String key;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisSharedTokenStore> stores = new ArrayList<>();

	private RedisFleet() {
		this.port = freePort();
		try {
			Path dir = Files.createTempDirectory("bench-redis");
			this.process = new ProcessBuilder(redisServer(), "--port",
					String.valueOf(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
					dir.toString())
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(this.process::destroyForcibly));
		this.client = RedisClient.create(RedisURI.create("127.0.0.1", this.port));
		this.connection = connect();
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		this.key = Base64.getEncoder().encodeToString(bytes);
	}

	public static RedisFleet start() {
		return new RedisFleet();
	}

	private StatefulRedisConnection<String, String> connect() {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try {
				return this.client.connect();
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/** {@code -Dbench.redisServer}, else the first {@code redis-server} on the {@code PATH}. */
	private static String redisServer() {
		String configured = System.getProperty("bench.redisServer");
		if (configured != null) {
			return configured;
		}
		String path = System.getenv("PATH");
		for (String dir : ((path != null) ? path : "/usr/bin").split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new IllegalStateException("The fleet benchmarks need a redis-server: none on the PATH ("
				+ path + "); install one or pass -Dbench.redisServer=/path/to/redis-server");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public RedisCommands<String, String> commands() {
		return this.connection.sync();
	}

	/**
	 * Commands Redis has executed so far, by {@code INFO commandstats}, not counting
	 * {@code INFO} itself.
	 * @return the count
	 */
	public long commandsExecuted() {
		long total = 0;
		for (String line : commands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
				String calls = line.substring(line.indexOf("calls=") + 6);
				total += Long.parseLong(calls.substring(0, calls.indexOf(',')));
			}
		}
		return total;
	}

	/**
	 * Commands executed so far, read once Redis has gone quiet: what instances send on their
	 * own after start-up (the pub/sub subscription, a lock released after its token request
	 * answered) is then counted before, not in the window that follows.
	 * @return the count
	 */
	public long commandsExecutedWhenQuiet() {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		long last = commandsExecuted();
		while (System.nanoTime() < deadline) {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			long now = commandsExecuted();
			if (now == last) {
				return now;
			}
			last = now;
		}
		return last;
	}

	/**
	 * Start instances of a fleet.
	 * @param count how many
	 * @param registrations their registrations
	 * @param clock the clock they all read
	 * @param tokenConnector the connector their token requests go through
	 * @return the instances
	 */
	public List<TokenKeeperStack> instances(int count, List<BenchRegistration> registrations, Clock clock,
			ClientHttpConnector tokenConnector) {
		List<TokenKeeperStack> instances = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", this.port), LettuceClientConfiguration.defaultConfiguration());
			factory.afterPropertiesSet();
			factory.start();
			this.factories.add(factory);
			// tokenkeeper.store.redis.* defaults; the longest request from the retry and timeout defaults
			RedisSharedTokenStore store = new RedisSharedTokenStore(factory, TokenEncryption.aesGcm(this.key), clock,
					Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofSeconds(49),
					SharedTokenStoreObserver.NONE);
			this.stores.add(store);
			instances.add(TokenKeeperStack.create(registrations, clock, tokenConnector, store));
		}
		return instances;
	}

	/** Close every instance's store and connection, and empty Redis, for the next measure. */
	public void reset() {
		this.stores.forEach(RedisSharedTokenStore::destroy);
		this.stores.clear();
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
		commands().flushall();
		commands().configResetstat();
	}

	/** For the report: where Redis ran. */
	public Map<String, Object> describe() {
		return Map.of("redisVersion", commands().info("server").lines()
			.filter((line) -> line.startsWith("redis_version:"))
			.findFirst()
			.orElse("unknown"));
	}

	@Override
	public void close() {
		reset();
		this.connection.close();
		this.client.shutdown();
		this.process.destroyForcibly();
	}

}
