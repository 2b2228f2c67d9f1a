package dev.tokenkeeper.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A servlet app with {@code spring.threads.virtual.enabled=true}: every request runs on a
 * virtual thread and calls the partner API through Boot's {@code RestClient.Builder}, so the
 * interceptor waits for the token on virtual threads. JFR, recording in this JVM, sees no
 * {@code jdk.VirtualThreadPinned} event (a virtual thread that blocked its carrier for at least
 * 20 ms, the JDK's own default threshold).
 * <p>
 * A warm-up burst through a second registration comes first: in a cold JVM, 500 virtual threads
 * loading and initializing the same Tomcat, Spring MVC and Micrometer classes at once do pin
 * (class loading and initialization are outside what a virtual thread can unmount from, as JFR
 * shows with "Waited for initialization of …"); that is the JDK's start-up cost, not the token
 * path's. The recorded burst then meets a cold token cache for its own registration.
 */
@EnabledForJreRange(min = JRE.JAVA_21,
		disabledReason = "virtual threads need Java 21+; this test runs in the Java 25 cell of .ci/run")
class VirtualThreadsTests {

	private static final int CALLS = 500;

	private static final Duration WAIT = Duration.ofSeconds(120);

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(100).http2PlainDisabled(true));

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void concurrentCallsOnVirtualThreadsWhenCacheColdThenOneTokenRequestAndNoPinnedCarrier(@TempDir Path temp)
			throws Exception {
		this.server.start();
		// a slow token endpoint: the calls wait on virtual threads behind the one token request
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(aResponse().withFixedDelay(300)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("rooms")));
		this.server.stubFor(get(urlPathEqualTo("/warm-up/weather"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("sunny")));
		// the app's /weather calls go to the warm-up registration's API
		this.context = ServletApplicationTests.start(this.server, this.server.baseUrl() + "/warm-up/weather",
				Map.of("spring.threads.virtual.enabled", "true", "tokenkeeper.clients.warm-up.token-uri",
						this.server.baseUrl() + "/oauth2/token", "tokenkeeper.clients.warm-up.client-id", "warm-up",
						"tokenkeeper.clients.warm-up.client-secret", "warm-up-secret",
						"tokenkeeper.clients.warm-up.base-urls", this.server.baseUrl() + "/warm-up"));
		assertThat(concurrentGets("/weather", 50)).containsOnly("sunny");
		this.server.resetRequests();
		List<RecordedEvent> events;
		List<String> bodies;
		try (Recording recording = new Recording()) {
			recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(20)).withStackTrace();
			recording.enable("jdk.VirtualThreadStart");
			recording.start();
			bodies = concurrentGets("/rooms", CALLS);
			recording.stop();
			Path file = temp.resolve("virtual-threads.jfr");
			recording.dump(file);
			events = RecordingFile.readAllEvents(file);
		}
		assertThat(bodies).hasSize(CALLS).containsOnly("rooms");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		this.server.verify(CALLS, getRequestedFor(urlPathEqualTo("/api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1")));
		// the requests did run on virtual threads: Tomcat started one per request
		assertThat(events).filteredOn((event) -> event.getEventType().getName().equals("jdk.VirtualThreadStart"))
			.hasSizeGreaterThanOrEqualTo(CALLS);
		assertThat(events).filteredOn((event) -> event.getEventType().getName().equals("jdk.VirtualThreadPinned"))
			.as("jdk.VirtualThreadPinned events")
			.isEmpty();
	}

	private List<String> concurrentGets(String path, int calls) throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(WAIT)
			.build();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
		}
		List<String> bodies = new ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			HttpResponse<String> answered = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(answered.statusCode()).as("status of %s", path).isEqualTo(200);
			bodies.add(answered.body());
		}
		return bodies;
	}

}
