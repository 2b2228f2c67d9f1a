package dev.tokenkeeper.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tokenkeeper.test.RedisExecutable.RedisUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Redis for a test class, registered as an extension:
 * <pre class="code">
 * &#64;RegisterExtension
 * static final RedisServer redis = RedisServer.perClass();
 * </pre>
 * Where it comes from, in this order: the {@code redis-server} binary that the
 * {@code com.github.codemonstur:embedded-redis} test dependency ships for this OS and
 * architecture, so a fresh machine needs nothing installed; else Testcontainers when a Docker
 * engine is available; else a {@code redis-server} on the {@code PATH}. The system property
 * {@value #SOURCE_PROPERTY} ({@code artifact}, {@code docker} or {@code system}) forces one.
 * Each run logs (INFO) which one it uses.
 * <p>
 * Without any, every test of the class is skipped with the reason (Surefire counts and lists
 * each one as skipped), except under {@code CI=true}, where the class fails: CI must exercise fleet mode.
 * <p>
 * {@link #stop()} makes Redis unreachable and {@link #restart()} brings it back on the same
 * port, for tests of how TokenKeeper degrades. Tests that need several servers (replicas, a
 * cluster, sentinels) start them from {@link RedisExecutable#find()} instead.
 *
 * @author TokenKeeper
 */
public final class RedisServer implements BeforeAllCallback, ExecutionCondition, AfterAllCallback, AutoCloseable {

	/** The system property that forces where Redis comes from. */
	public static final String SOURCE_PROPERTY = "tokenkeeper.test.redis";

	private static final Log logger = LogFactory.getLog(RedisServer.class);

	private Backend backend;

	private String unavailable;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisServer() {
	}

	/**
	 * A Redis started before the class's first test and closed after its last, to register
	 * with {@code @RegisterExtension} on a static field.
	 * @return the extension
	 */
	public static RedisServer perClass() {
		return new RedisServer();
	}

	/**
	 * Start a Redis now, or skip the calling test when none can be had (fail under
	 * {@code CI=true}). Prefer {@link #perClass()}: an abort in {@code @BeforeAll} skips the
	 * class without Surefire counting its tests.
	 * @return the running server
	 */
	public static RedisServer start() {
		RedisServer server = new RedisServer();
		server.beforeAll(null);
		server.backend();
		return server;
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		try {
			this.backend = startBackend();
		}
		catch (RedisUnavailableException ex) {
			String reason = "No Redis for fleet-mode tests: " + ex.getMessage();
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				throw RedisExecutable.unavailable(reason);
			}
			logger.warn(reason + "; the tests that need it are skipped");
			this.unavailable = reason;
		}
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		// Decided per test, after beforeAll: Surefire then counts each test as skipped, with
		// the reason, and no other extension's callbacks run for it.
		if (context.getTestMethod().isPresent() && this.unavailable != null) {
			return ConditionEvaluationResult.disabled(this.unavailable);
		}
		return ConditionEvaluationResult.enabled("Redis for fleet-mode tests");
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	private static Backend startBackend() {
		String forced = System.getProperty(SOURCE_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
		List<Source> sources = forced.isEmpty() ? List.of(Source.values()) : List.of(Source.named(forced));
		List<String> reasons = new ArrayList<>();
		for (Source source : sources) {
			try {
				Backend backend = source.start();
				logger.info("Redis for fleet-mode tests: " + backend + " on " + backend.host() + ":" + backend.port()
						+ (forced.isEmpty() ? "" : " (-D" + SOURCE_PROPERTY + "=" + forced + ")"));
				return backend;
			}
			catch (RedisUnavailableException ex) {
				logger.info("Redis for fleet-mode tests: not from " + source.label + ": " + ex.getMessage());
				reasons.add(source.label + ": " + ex.getMessage());
			}
		}
		throw new RedisUnavailableException(String.join("; ", reasons));
	}

	public String host() {
		return backend().host();
	}

	public int port() {
		return backend().port();
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
		backend().stop();
	}

	/** Bring Redis back on the same port. */
	public synchronized void restart() {
		backend().restart();
	}

	@Override
	public synchronized void close() {
		closeClient();
		if (this.backend != null) {
			this.backend.close();
			this.backend = null;
		}
	}

	private Backend backend() {
		Assumptions.assumeTrue(this.unavailable == null, () -> this.unavailable);
		Assertions.assertNotNull(this.backend, "Redis is not started: register RedisServer.perClass() with "
				+ "@RegisterExtension on a static field");
		return this.backend;
	}

	private void closeClient() {
		if (this.connection != null) {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			this.connection = null;
			this.client = null;
		}
	}

	/** Where a Redis comes from, in the order they are tried. */
	private enum Source {

		ARTIFACT("artifact") {
			@Override
			Backend start() {
				return new LocalProcess(RedisExecutable.artifact());
			}
		},

		DOCKER("docker") {
			@Override
			Backend start() {
				return new Container();
			}
		},

		SYSTEM("system") {
			@Override
			Backend start() {
				return new LocalProcess(RedisExecutable.system());
			}
		};

		private final String label;

		Source(String label) {
			this.label = label;
		}

		abstract Backend start();

		static Source named(String label) {
			for (Source source : values()) {
				if (source.label.equals(label)) {
					return source;
				}
			}
			throw new IllegalArgumentException(
					"-D" + SOURCE_PROPERTY + "=" + label + " is not one of artifact, docker, system");
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
			if (!dockerAvailable()) {
				throw new RedisUnavailableException("no Docker engine");
			}
			try {
				this.container.start();
			}
			catch (RuntimeException ex) {
				throw new RedisUnavailableException("the redis:7-alpine container did not start: " + ex.getMessage());
			}
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

		@Override
		public String toString() {
			return "Testcontainers' redis:7-alpine";
		}

	}

	/** A {@code redis-server} child process on a free loopback port. */
	private static final class LocalProcess implements Backend {

		private final RedisExecutable executable;

		private final RedisProcess process;

		LocalProcess(RedisExecutable executable) {
			this.executable = executable;
			this.process = executable.start();
		}

		@Override
		public String host() {
			return this.process.host();
		}

		@Override
		public int port() {
			return this.process.port();
		}

		@Override
		public void stop() {
			this.process.stop();
		}

		@Override
		public void restart() {
			this.process.restart();
		}

		@Override
		public void close() {
			this.process.close();
		}

		@Override
		public String toString() {
			return this.executable.toString();
		}

	}

}
