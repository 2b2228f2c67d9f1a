package dev.tokenkeeper.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * A {@code redis-server} binary that tests can start, as many times and with whatever extra
 * arguments they need ({@link #start(String...)}): the one the
 * {@code com.github.codemonstur:embedded-redis} test dependency ships for this OS and
 * architecture ({@link #artifact()}), or one on the {@code PATH} ({@link #system()}).
 *
 * @author TokenKeeper
 */
public final class RedisExecutable {

	private final Path path;

	private final String description;

	private RedisExecutable(Path path, String description) {
		this.path = path;
		this.description = description;
	}

	/**
	 * The binary from the embedded-redis artifact, extracted once into the module's
	 * {@code target/redis}, when the artifact has one for this OS and architecture and it runs
	 * here (it links against OpenSSL 3, for one).
	 * @return the executable
	 * @throws RedisUnavailableException with the reason when there is none that runs
	 */
	public static RedisExecutable artifact() {
		String resource = artifactResource();
		Path target = extractionDirectory().resolve(resource.substring(resource.lastIndexOf('/') + 1));
		try {
			if (!Files.isExecutable(target)) {
				extract(resource, target);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			throw new RedisUnavailableException("cannot extract " + resource + " to " + target + ": " + ex);
		}
		String version = version(target);
		return new RedisExecutable(target, "the embedded-redis artifact's " + resource.substring(1) + " (" + version
				+ ", extracted to " + target + ")");
	}

	/**
	 * A {@code redis-server} on the {@code PATH} (or in {@code /usr/bin}, {@code /usr/local/bin},
	 * {@code /usr/sbin}).
	 * @return the executable
	 * @throws RedisUnavailableException when there is none that runs
	 */
	public static RedisExecutable system() {
		String path = System.getenv("PATH");
		Path executable = Stream
			.concat((path != null) ? Stream.of(path.split(File.pathSeparator)).map(Path::of) : Stream.empty(),
					Stream.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin")))
			.map((dir) -> dir.resolve("redis-server"))
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(() -> new RedisUnavailableException("no redis-server on the PATH"));
		return new RedisExecutable(executable, "the system's " + executable + " (" + version(executable) + ")");
	}

	/**
	 * The artifact's binary where it runs, else the system's.
	 * @return the executable
	 * @throws RedisUnavailableException with both reasons when neither runs
	 */
	public static RedisExecutable find() {
		try {
			return artifact();
		}
		catch (RedisUnavailableException fromArtifact) {
			try {
				return system();
			}
			catch (RedisUnavailableException fromSystem) {
				throw new RedisUnavailableException(fromArtifact.getMessage() + "; " + fromSystem.getMessage());
			}
		}
	}

	/**
	 * {@link #find()} for a test that cannot run without Redis: without one it is skipped,
	 * and under {@code CI=true} it fails, for CI must run every fleet-mode test.
	 * @return the executable
	 */
	public static RedisExecutable require() {
		try {
			return find();
		}
		catch (RedisUnavailableException ex) {
			throw unavailable("No redis-server: " + ex.getMessage());
		}
	}

	/**
	 * What a test does without Redis: fail under {@code CI=true}, else be skipped.
	 * @param reason why there is no Redis
	 * @return never returns normally; declared so that callers can {@code throw} it
	 */
	public static RuntimeException unavailable(String reason) {
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			Assertions.fail(reason + " (CI=true: fleet mode must be tested)");
		}
		Assumptions.abort(reason);
		return new IllegalStateException(reason);
	}

	public Path path() {
		return this.path;
	}

	/**
	 * Start a server from this binary on a free loopback port.
	 * @param arguments extra arguments, such as {@code "--cluster-enabled", "yes"} or
	 * {@code "--replicaof", "127.0.0.1", "6380"}
	 * @return the running process; close it when done
	 */
	public RedisProcess start(String... arguments) {
		return new RedisProcess(this.path, null, List.of(arguments));
	}

	/**
	 * Start a server from this binary on a free loopback port, with a configuration file
	 * (written to the process's directory, passed first): a sentinel needs one it can rewrite.
	 * @param configuration the configuration file's content, such as
	 * {@code "sentinel monitor main 127.0.0.1 6380 1\n"}
	 * @param arguments extra arguments, such as {@code "--sentinel"}
	 * @return the running process; close it when done
	 */
	public RedisProcess startWithConfiguration(String configuration, String... arguments) {
		return new RedisProcess(this.path, configuration, List.of(arguments));
	}

	@Override
	public String toString() {
		return this.description;
	}

	private static String artifactResource() {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		if (os.contains("win")) {
			// Its Windows build is Redis 5, too old for CLIENT PAUSE ... ALL, and the process
			// support here is written for Unix.
			throw new RedisUnavailableException("the embedded-redis artifact's Windows binary is not used");
		}
		String resource;
		try {
			resource = ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
		}
		catch (RuntimeException ex) {
			throw new RedisUnavailableException("the embedded-redis artifact cannot tell this OS/architecture ("
					+ System.getProperty("os.name") + ", " + System.getProperty("os.arch") + "): " + ex);
		}
		if (resource == null || RedisExecutable.class.getResource(resource) == null) {
			throw new RedisUnavailableException("the embedded-redis artifact has no redis-server for "
					+ System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
		}
		return resource;
	}

	private static Path extractionDirectory() {
		try {
			// target/test-classes -> target/redis, whatever the working directory is
			Path classes = Path.of(RedisExecutable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			if (Files.isDirectory(classes) && classes.getParent() != null) {
				return classes.getParent().resolve("redis");
			}
		}
		catch (URISyntaxException | RuntimeException ex) {
			// fall back to a temporary directory
		}
		return Path.of(System.getProperty("java.io.tmpdir"), "tokenkeeper-redis-binaries");
	}

	private static void extract(String resource, Path target) throws IOException {
		Files.createDirectories(target.getParent());
		// Write aside and move: a JVM killed half-way never leaves a truncated binary behind.
		Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
		try (InputStream in = RedisExecutable.class.getResourceAsStream(resource)) {
			Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
		}
		if (!partial.toFile().setExecutable(true, false)) {
			throw new IOException("cannot make " + partial + " executable");
		}
		Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private static String version(Path executable) {
		try {
			Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
			String output;
			try (InputStream in = process.getInputStream()) {
				output = new String(in.readAllBytes()).trim();
			}
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new RedisUnavailableException(executable + " --version did not answer");
			}
			if (process.exitValue() != 0 || !output.startsWith("Redis server v=")) {
				throw new RedisUnavailableException(executable + " does not run here (exit " + process.exitValue()
						+ "): " + output);
			}
			// "Redis server v=6.2.11 sha=... malloc=..." -> "v=6.2.11"
			return output.split(" ")[2];
		}
		catch (IOException ex) {
			throw new RedisUnavailableException(executable + " does not run here: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisUnavailableException("interrupted while running " + executable + " --version");
		}
	}

	/** Why no {@code redis-server} can be had from a source. */
	public static final class RedisUnavailableException extends RuntimeException {

		RedisUnavailableException(String reason) {
			super(reason);
		}

	}

}
