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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code redis-server} child process on a free loopback port, in a temporary directory of
 * its own, killed by its PID on {@link #close()} and at the latest when the test JVM exits.
 * Started from a {@link RedisExecutable}; extra arguments (such as {@code --cluster-enabled yes}
 * or {@code --replicaof 127.0.0.1 <port>}) follow the ones that make it a disposable test server.
 *
 * @author TokenKeeper
 */
public final class RedisProcess implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

	private static final int START_ATTEMPTS = 10;

	private static final int DEFAULT_REDIS_PORT = 6379;

	private final Path executable;

	private final String configuration;

	private final List<String> arguments;

	private final Path directory;

	private int port;

	private long pid = -1;

	RedisProcess(Path executable, String configuration, List<String> arguments) {
		this.executable = executable;
		this.configuration = configuration;
		this.arguments = List.copyOf(arguments);
		try {
			this.directory = Files.createTempDirectory("tokenkeeper-redis");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		// Never leave a redis-server behind, even when a test forgets to close it.
		Runtime.getRuntime().addShutdownHook(new Thread(this::close, "redis-server-" + this.directory.getFileName()));
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			// Another process may take the free port before redis-server binds it: retry.
			if (startOn(freePort())) {
				return;
			}
		}
		throw new IllegalStateException(
				"redis-server did not start after " + START_ATTEMPTS + " attempts; see the logs in " + this.directory);
	}

	/**
	 * A free loopback port, never Redis's default one.
	 * @return the port
	 */
	public static int freePort() {
		while (true) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(true);
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				if (socket.getLocalPort() != DEFAULT_REDIS_PORT) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return this.port;
	}

	/**
	 * The running process's ID.
	 * @return the PID, or {@code -1} when stopped
	 */
	public synchronized long pid() {
		return this.pid;
	}

	/**
	 * The process's working directory ({@code --dir}): where a cluster node writes its
	 * {@code nodes.conf} and a sentinel its configuration.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/** Kill the process; the port stays this process's for {@link #restart()}. */
	public synchronized void stop() {
		kill(this.pid);
		this.pid = -1;
	}

	/** Start the process again on the same port, with the same arguments. */
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
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// A leftover temporary directory is harmless.
		}
	}

	private boolean startOn(int candidate) {
		Path log = this.directory.resolve("redis-" + candidate + ".log");
		Process process;
		try {
			process = new ProcessBuilder(command(candidate)).redirectErrorStream(true)
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

	private List<String> command(int candidate) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(this.executable.toString());
		if (this.configuration != null) {
			// redis-server reads a configuration file only as its first argument; a sentinel
			// needs one it can rewrite.
			Path file = this.directory.resolve("redis.conf");
			if (!Files.exists(file)) {
				Files.writeString(file, this.configuration);
			}
			command.add(file.toString());
		}
		command.addAll(List.of("--port", String.valueOf(candidate), "--bind", "127.0.0.1", "--save", "", "--appendonly",
				"no", "--daemonize", "no", "--protected-mode", "no", "--dir", this.directory.toString()));
		command.addAll(this.arguments);
		return command;
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

}
