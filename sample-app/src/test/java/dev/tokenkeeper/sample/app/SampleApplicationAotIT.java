package dev.tokenkeeper.sample.app;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import dev.tokenkeeper.sample.partners.Partners;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app started from the code {@code spring-boot:process-aot} generated at build
 * time ({@code -Dspring.aot.enabled=true}), in a JVM of its own, as {@code java -jar} would
 * start an AOT-processed application. The partner stand-ins run in this test's JVM, without
 * AOT: they are the sample's scaffolding, not part of the application under test.
 */
class SampleApplicationAotIT {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private Partners partners;

	private Process app;

	@BeforeEach
	void startPartners() {
		this.partners = Partners.start();
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (this.app != null) {
			this.app.destroy();
			this.app.waitFor();
		}
		this.partners.close();
	}

	@Test
	@SuppressWarnings("unchecked")
	void demoWhenStartedFromAotCodeThenAllCallsSucceedWithOneTokenRequestPerClient(@TempDir Path temp)
			throws Exception {
		int port = freePort();
		Path log = temp.resolve("sample.log");
		this.app = new ProcessBuilder(List.of(javaExecutable(), "-Dspring.aot.enabled=true", "-cp", classPath(),
				SampleApplication.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--sample.partners.enabled=false",
				"--sample.partners.authorization-server-url=" + this.partners.authorizationServerUrl(),
				"--sample.partners.api-url=" + this.partners.apiUrl()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		WebClient client = WebClient.create("http://127.0.0.1:" + port);
		awaitUp(client, log);
		assertThat(Files.readString(log)).as("the app's log").contains("Starting AOT-processed SampleApplication");

		DemoReport report = client.get()
			.uri("/demo?calls={calls}", 100)
			.retrieve()
			.bodyToMono(DemoReport.class)
			.block(Duration.ofSeconds(60));
		assertThat(report.calls()).isEqualTo(100);
		assertThat(report.succeeded()).isEqualTo(100);
		assertThat(report.clients()).containsOnlyKeys("partner-basic", "partner-post");
		// counted where they arrive: at the partner authorization server in this JVM
		assertThat(this.partners.tokenRequests("demo-basic")).isEqualTo(1);
		assertThat(this.partners.tokenRequests("demo-post")).isEqualTo(1);

		// run-time clients, from the app's database through its TokenKeeperClientSource
		Map<String, Map<String, Object>> clinics = (Map<String, Map<String, Object>>) client.get()
			.uri("/clinics?calls={calls}", 20)
			.retrieve()
			.bodyToMono(Map.class)
			.block(Duration.ofSeconds(60))
			.get("clinics");
		assertThat(clinics).containsOnlyKeys("clinic-42", "clinic-43")
			.allSatisfy((id, clinic) -> assertThat(clinic.get("succeeded")).isEqualTo(10));
		assertThat(this.partners.tokenRequests("clinic-42-client")).isEqualTo(1);
		assertThat(this.partners.tokenRequests("clinic-43-client")).isEqualTo(1);
	}

	private void awaitUp(WebClient client, Path log) throws Exception {
		Instant deadline = Instant.now().plus(STARTUP);
		while (Instant.now().isBefore(deadline)) {
			assertThat(this.app.isAlive()).as("the app is running; its log:%n%s", readLog(log)).isTrue();
			try {
				client.get().uri("/actuator/health").retrieve().toBodilessEntity().block(Duration.ofSeconds(5));
				return;
			}
			catch (WebClientRequestException ex) {
				// not listening yet: a short wait on real start-up I/O
				Thread.sleep(250);
			}
		}
		throw new AssertionError("the app did not answer within " + STARTUP + "; its log:\n" + readLog(log));
	}

	private static String readLog(Path log) {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** The class path this test runs with: the module's classes (with the AOT code) and its jars. */
	private static String classPath() {
		String classPath = System.getProperty("surefire.test.class.path");
		return (classPath != null) ? classPath : System.getProperty("java.class.path").replace(':', File.pathSeparatorChar);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
