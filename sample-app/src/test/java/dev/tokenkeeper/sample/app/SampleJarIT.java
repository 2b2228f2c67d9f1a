package dev.tokenkeeper.sample.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The jar that {@code ./mvnw verify} builds, run as the README says: {@code java -jar}. Runs in
 * the {@code integration-test} phase, after {@code package} has repackaged the jar.
 */
class SampleJarIT {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private final Path jar = Path.of(System.getProperty("sample.jar", "target/tokenkeeper-sample-app.jar"));

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void manifestWhenPackagedThenNamesBootsLauncherAndTheSampleApplication() throws IOException {
		assertThat(this.jar).as("the packaged sample jar").isRegularFile();
		try (JarFile file = new JarFile(this.jar.toFile())) {
			Attributes manifest = file.getManifest().getMainAttributes();
			assertThat(manifest.getValue("Main-Class")).isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
			assertThat(manifest.getValue("Start-Class")).isEqualTo(SampleApplication.class.getName());
			assertThat(file.stream().map((entry) -> entry.getName()))
				.anyMatch((name) -> name.matches("BOOT-INF/lib/tokenkeeper-spring-boot-[^/]+\\.jar"));
		}
	}

	@Test
	void javaJarWhenStartedThenServesTheDemo() throws Exception {
		int port = freePort();
		Path log = this.jar.resolveSibling("sample-jar-test.log");
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process app = new ProcessBuilder(java.toString(), "-jar", this.jar.toString(), "--server.port=" + port,
				"--server.address=127.0.0.1")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			awaitHealthy(app, port, log);
			HttpResponse<String> demo = get(port, "/demo?calls=5");
			assertThat(demo.statusCode()).as(demo.body()).isEqualTo(200);
			JsonNode report = JsonMapper.builder().build().readTree(demo.body());
			assertThat(report.get("calls").asInt()).isEqualTo(5);
			assertThat(report.get("succeeded").asInt()).isEqualTo(5);
			assertThat(report.get("failed").asInt()).isZero();
			// clients from the jar's H2 database, found through the TokenKeeperClientSource
			HttpResponse<String> clinics = get(port, "/clinics?calls=4");
			assertThat(clinics.statusCode()).as(clinics.body()).isEqualTo(200);
			JsonNode found = JsonMapper.builder().build().readTree(clinics.body()).get("clinics");
			for (String clinic : new String[] { "clinic-42", "clinic-43" }) {
				assertThat(found.get(clinic).get("succeeded").asInt()).as(clinics.body()).isEqualTo(2);
				assertThat(found.get(clinic).get("tokensIssuedTo").get(0).asText()).isEqualTo(clinic + "-client");
			}
		}
		finally {
			app.destroy();
			if (!app.waitFor(30, TimeUnit.SECONDS)) {
				app.destroyForcibly();
			}
		}
	}

	private void awaitHealthy(Process app, int port, Path log) throws Exception {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!app.isAlive()) {
				fail("java -jar exited with " + app.exitValue() + ":%n%s", Files.readString(log));
			}
			try {
				if (get(port, "/actuator/health").statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		fail("java -jar did not answer on port " + port + " within " + START_TIMEOUT + ":%n%s", Files.readString(log));
	}

	private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

}
