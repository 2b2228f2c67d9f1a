package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Redis for tests: from Testcontainers when a Docker engine is available, else a
 * {@code redis-server} process started on a free port (retrying when another process takes
 * the port first) and stopped by its PID. Without either, tests are skipped, except under
 * {@code CI=true}, where they fail: CI must exercise fleet mode.
 * <p>
 * {@link #stop()} makes Redis unreachable and {@link #restart()} brings it back on the same
 * port, for tests of how TokenKeeper degrades.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

	private final Backend backend;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisServer(Backend backend) {
		this.backend = backend;
	}

	/**
	 * Start a Redis, or skip the test when none can be had (fail under {@code CI=true}).
	 * @return the running server
	 */
	public static RedisServer start() {
		if (dockerAvailable()) {
			return new RedisServer(new Container());
		}
		Optional<Path> executable = redisServerExecutable();
		if (executable.isPresent()) {
			return new RedisServer(new LocalProcess(executable.get()));
		}
		String reason = "No Redis for fleet-mode tests: neither a Docker engine nor a redis-server executable "
				+ "(apt-get install redis-server) was found";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			Assertions.fail(reason);
		}
		Assumptions.abort(reason);
		throw new IllegalStateException(reason);
	}

	private static boolean dockerAvailable() {
		// Ask Testcontainers only when a Docker engine may exist: its probe is slow and noisy.
		if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))
				&& !Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static Optional<Path> redisServerExecutable() {
		String path = System.getenv("PATH");
		Stream<Path> candidates = Stream.concat(
				(path != null) ? Stream.of(path.split(java.io.File.pathSeparator)).map(Path::of) : Stream.empty(),
				Stream.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin")));
		return candidates.map((dir) -> dir.resolve("redis-server")).filter(Files::isExecutable).findFirst();
	}

	public String host() {
		return this.backend.host();
	}

	public int port() {
		return this.backend.port();
	}

	/**
	 * Spring Boot properties that point {@code spring.data.redis.*} at this server.
	 * @return the properties, as {@code name=value}
	 */
	public List<String> properties() {
		return List.of("spring.data.redis.host=" + host(), "spring.data.redis.port=" + port());
	}

	/**
	 * Synchronous commands on this server, for a test to look at or change what is stored.
	 * @return the commands
	 */
	public synchronized RedisCommands<String, String> commands() {
		if (this.connection == null) {
			this.client = RedisClient.create(RedisURI.create(host(), port()));
			this.connection = this.client.connect();
		}
		return this.connection.sync();
	}

	/** Make Redis unreachable: the process is stopped, the container paused. */
	public synchronized void stop() {
		closeClient();
		this.backend.stop();
	}

	/** Bring Redis back on the same port. */
	public synchronized void restart() {
		this.backend.restart();
	}

	@Override
	public synchronized void close() {
		closeClient();
		this.backend.close();
	}

	private void closeClient() {
		if (this.connection != null) {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			this.connection = null;
			this.client = null;
		}
	}

	private interface Backend extends AutoCloseable {

		String host();

		int port();

		void stop();

		void restart();

		@Override
		void close();

	}

	/** Redis in a container; {@link #stop()} pauses it, so connections hang as with a slow Redis. */
	private static final class Container implements Backend {

		private final GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
			.withExposedPorts(6379);

		Container() {
			this.container.start();
		}

		@Override
		public String host() {
			return this.container.getHost();
		}

		@Override
		public int port() {
			return this.container.getMappedPort(6379);
		}

		@Override
		public void stop() {
			DockerClientFactory.instance().client().pauseContainerCmd(this.container.getContainerId()).exec();
		}

		@Override
		public void restart() {
			DockerClientFactory.instance().client().unpauseContainerCmd(this.container.getContainerId()).exec();
		}

		@Override
		public void close() {
			this.container.stop();
		}

	}

	/** A {@code redis-server} child process on a free loopback port. */
	private static final class LocalProcess implements Backend {

		private static final int START_ATTEMPTS = 10;

		private final Path executable;

		private final Path directory;

		private int port;

		private long pid = -1;

		LocalProcess(Path executable) {
			this.executable = executable;
			try {
				this.directory = Files.createTempDirectory("tokenkeeper-redis");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			// Never leave a redis-server behind, even when the test JVM ends abruptly.
			Runtime.getRuntime().addShutdownHook(new Thread(this::close));
			for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
				// Another process may take the free port before redis-server binds it: retry.
				if (startOn(freePort())) {
					return;
				}
			}
			throw new IllegalStateException("redis-server did not start after " + START_ATTEMPTS + " attempts; see "
					+ this.directory);
		}

		private static int freePort() {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(true);
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private boolean startOn(int candidate) {
			Path log = this.directory.resolve("redis-" + candidate + ".log");
			Process process;
			try {
				process = new ProcessBuilder(this.executable.toString(), "--port", String.valueOf(candidate), "--bind",
						"127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
						"--dir", this.directory.toString())
					.redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			if (awaitReady(process, candidate)) {
				this.port = candidate;
				this.pid = process.pid();
				return true;
			}
			kill(process.pid());
			return false;
		}

		private static boolean awaitReady(Process process, int port) {
			long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				if (!process.isAlive()) {
					return false;
				}
				if (ping(port)) {
					// Answered by our process, not by whoever won a bind race.
					return process.isAlive();
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return false;
		}

		private static boolean ping(int port) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
				socket.setSoTimeout(500);
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				byte[] reply = new byte[7];
				int read = in.readNBytes(reply, 0, 7);
				return read == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
			}
			catch (IOException ex) {
				return false;
			}
		}

		private static void pause() {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private static void kill(long pid) {
			ProcessHandle.of(pid).ifPresent((handle) -> {
				handle.destroy();
				try {
					handle.onExit().get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					handle.destroyForcibly();
				}
			});
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public int port() {
			return this.port;
		}

		@Override
		public synchronized void stop() {
			kill(this.pid);
			this.pid = -1;
		}

		@Override
		public synchronized void restart() {
			for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
				if (startOn(this.port)) {
					return;
				}
				pause();
			}
			throw new IllegalStateException("redis-server did not restart on port " + this.port);
		}

		@Override
		public synchronized void close() {
			if (this.pid != -1) {
				kill(this.pid);
				this.pid = -1;
			}
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// A leftover temporary directory is harmless.
			}
		}

	}

}
