package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;

/**
 * Redis with Sentinel for tests: one master, one replica ({@code --replicaof}) and three
 * sentinels ({@code redis-server <config> --sentinel}, quorum 2, a master counted down after
 * one second). {@link #killMaster()} kills the master as a crash would; the sentinels then
 * promote the replica. Only Redis 6.2 commands.
 */
public final class RedisSentinel implements AutoCloseable {

	/** The name the sentinels monitor the master under. */
	public static final String MASTER = "tokenkeeper";

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final RedisProcesses processes = new RedisProcesses();

	private final int masterPort = RedisProcesses.freePort();

	private final int replicaPort = RedisProcesses.freePort();

	private final List<Integer> sentinelPorts = new ArrayList<>();

	private final Process master;

	private RedisSentinel() {
		this.master = this.processes.start(this.masterPort, RedisProcesses.node(this.masterPort));
		this.processes.start(this.replicaPort,
				RedisProcesses.node(this.replicaPort, "--replicaof", "127.0.0.1", String.valueOf(this.masterPort)));
		for (int i = 0; i < 3; i++) {
			int port = RedisProcesses.freePort();
			this.processes.start(port, config(port).toString(), "--sentinel");
			this.sentinelPorts.add(port);
		}
		// Ready when every sentinel knows the replica and the two other sentinels.
		await("the sentinels to see the replica and each other", () -> this.sentinelPorts.stream().allMatch((port) -> {
			Map<String, String> seen = sentinel(port, (commands) -> commands.master(MASTER));
			return "1".equals(seen.get("num-slaves")) && "2".equals(seen.get("num-other-sentinels"));
		}));
	}

	/**
	 * Start the set-up, or skip the test without a {@code redis-server}.
	 * @return the running set-up
	 */
	public static RedisSentinel start() {
		return new RedisSentinel();
	}

	private Path config(int port) {
		Path config = this.processes.directory().resolve("sentinel-" + port + ".conf");
		String text = String.join("\n", "port " + port, "bind 127.0.0.1", "protected-mode no",
				"dir " + this.processes.directory(), "sentinel monitor " + MASTER + " 127.0.0.1 " + this.masterPort + " 2",
				"sentinel down-after-milliseconds " + MASTER + " 1000", "sentinel failover-timeout " + MASTER + " 5000",
				"sentinel parallel-syncs " + MASTER + " 1", "");
		try {
			Files.writeString(config, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return config;
	}

	/**
	 * The port of the current master, as the sentinels report it.
	 * @return the port
	 */
	public int masterPort() {
		return (sentinel(this.sentinelPorts.get(0),
				(commands) -> commands.getMasterAddrByName(MASTER)) instanceof InetSocketAddress address)
						? address.getPort() : -1;
	}

	/** Kill the master at once and wait until the sentinels have promoted the replica. */
	public void killMaster() {
		RedisProcesses.kill(this.master);
		await("the sentinels to promote the replica", () -> masterPort() == this.replicaPort);
	}

	/**
	 * Spring Boot properties that point {@code spring.data.redis.sentinel.*} at the sentinels.
	 * @return the properties, as {@code name=value}
	 */
	public List<String> properties() {
		return List.of("spring.data.redis.sentinel.master=" + MASTER, "spring.data.redis.sentinel.nodes="
				+ this.sentinelPorts.stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(",")));
	}

	private static <T> T sentinel(int port,
			Function<RedisSentinelCommands<String, String>, T> query) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
			return query.apply(connection.sync());
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	private static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (true) {
			try {
				if (condition.getAsBoolean()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// not answering yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out waiting for " + what);
			}
			RedisProcesses.pause(100);
		}
	}

	@Override
	public void close() {
		this.processes.close();
	}

}
