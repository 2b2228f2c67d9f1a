package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * {@code redis-server} processes of a test (the nodes of a Cluster, a Sentinel set-up), in a
 * temporary directory, on free loopback ports; all killed on {@link #close()} and when the
 * JVM exits. Needs only the path of a {@code redis-server} binary
 * ({@link RedisExecutable#require()}: the embedded-redis artifact's, else the system's); every
 * command the tests send exists in Redis 6.2.
 */
public final class RedisProcesses implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

	private final Path executable;

	private final Path directory;

	private final List<Process> processes = new ArrayList<>();

	RedisProcesses() {
		this.executable = RedisExecutable.require().path();
		try {
			this.directory = Files.createTempDirectory("tokenkeeper-redis-set");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(this::close));
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * Start a {@code redis-server} and wait until it answers on its port.
	 * @param port the port it listens on (also given in {@code args} or its config file)
	 * @param args its arguments
	 * @return the process
	 */
	Process start(int port, String... args) {
		List<String> command = new ArrayList<>();
		command.add(this.executable.toString());
		command.addAll(List.of(args));
		Process process;
		try {
			process = new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis-" + port + ".log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.processes.add(process);
		awaitPing(process, port);
		return process;
	}

	/** Common arguments of a data node on a port. */
	static String[] node(int port, String... more) {
		return Stream.concat(Stream.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", "--protected-mode", "no"), Stream.of(more)).toArray(String[]::new);
	}

	private void awaitPing(Process process, int port) {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				if ("PONG".equals(connection.sync().ping())) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// not listening yet
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			}
			pause(100);
		}
		throw new IllegalStateException("redis-server on port " + port + " did not start; see " + this.directory);
	}

	/**
	 * Kill a process at once, as a crashed host.
	 * @param process the process
	 */
	static void kill(Process process) {
		process.destroyForcibly();
		try {
			process.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// gone or going
		}
	}

	/**
	 * A free loopback port whose cluster bus port (+10000) is free too.
	 * @return the port
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20000, 40000);
			if (isFree(port) && isFree(port + 10000)) {
				return port;
			}
		}
		throw new IllegalStateException("No free port pair");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public synchronized void close() {
		this.processes.forEach(RedisProcesses::kill);
		this.processes.clear();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// A leftover temporary directory is harmless.
		}
	}

}
