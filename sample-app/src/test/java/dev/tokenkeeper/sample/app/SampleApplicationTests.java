package dev.tokenkeeper.sample.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.sample.partners.Partners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample as a newcomer runs it: its partner stand-ins started in-process, the app on a
 * port of its own, {@code /demo} called over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private Partners partners;

	@Test
	void demoWhenTwoHundredCallsThenAllSucceedWithOneTokenRequestPerClient() {
		DemoReport first = demo(200);
		assertThat(first.calls()).isEqualTo(200);
		assertThat(first.succeeded()).isEqualTo(200);
		assertThat(first.failed()).isZero();
		assertThat(first.clients()).containsOnlyKeys("partner-basic", "partner-post");
		first.clients().forEach((id, client) -> {
			assertThat(client.calls()).as(id).isEqualTo(100);
			assertThat(client.succeeded()).as(id).isEqualTo(100);
			assertThat(client.errors()).as(id).isNull();
			assertThat(client.tokenRequests()).as(id).isEqualTo(1);
			assertThat(client.token().state()).as(id).isEqualTo("VALID");
			assertThat(client.token().expiresAt()).as(id).isAfter(Instant.now());
		});
		first.clients().values().stream().filter((client) -> client.lookups() != null).forEach((client) -> {
			// with TokenKeeper's metrics: one lookup per call, one of them started the request
			assertThat(client.lookups().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
			assertThat(client.lookups()).containsEntry("miss", 1L);
		});
		assertThat(first.clients().get("partner-basic").profile()).isEqualTo("basic-form");
		assertThat(first.clients().get("partner-post").profile()).isEqualTo("post-form");
		// counted where they arrive: at the partner authorization server
		assertThat(this.partners.tokenRequests("demo-basic")).isEqualTo(1);
		assertThat(this.partners.tokenRequests("demo-post")).isEqualTo(1);

		DemoReport second = demo(200);
		assertThat(second.succeeded()).isEqualTo(200);
		second.clients().forEach((id, client) -> {
			assertThat(client.tokenRequests()).as(id).isZero();
			if (client.lookups() != null) {
				assertThat(client.cacheHits()).as(id).isEqualTo(100);
			}
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void clinicsWhenCalledThenEachClinicFoundInTheDatabaseOnceAndGetsItsOwnTokenOnce() {
		Map<String, Object> first = clinics(100);
		assertThat(first.get("calls")).isEqualTo(100);
		Map<String, Map<String, Object>> clinics = (Map<String, Map<String, Object>>) first.get("clinics");
		assertThat(clinics).containsOnlyKeys("clinic-42", "clinic-43");
		clinics.forEach((id, clinic) -> {
			assertThat(clinic.get("calls")).as(id).isEqualTo(50);
			assertThat(clinic.get("succeeded")).as(id).isEqualTo(50);
			assertThat(clinic.get("errors")).as(id).isNull();
			// the API saw this clinic's own client on every call
			assertThat((List<String>) clinic.get("tokensIssuedTo")).as(id).containsExactly(id + "-client");
			assertThat(clinic.get("tokenRequests")).as(id).isEqualTo(1);
			assertThat(clinic.get("sourceLookups")).as(id).isEqualTo(1);
		});
		assertThat(this.partners.tokenRequests("clinic-42-client")).isEqualTo(1);

		Map<String, Map<String, Object>> second = (Map<String, Map<String, Object>>) clinics(100).get("clinics");
		second.forEach((id, clinic) -> {
			assertThat(clinic.get("succeeded")).as(id).isEqualTo(50);
			assertThat(clinic.get("tokenRequests")).as(id).isEqualTo(0);
			assertThat(clinic.get("sourceLookups")).as(id).isEqualTo(1);
		});
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> clinics(int calls) {
		return app().get().uri("/clinics?calls={calls}", calls).retrieve().bodyToMono(Map.class)
			.block(Duration.ofSeconds(60));
	}

	@Test
	void partnerApiWhenCalledWithoutTokenKeeperThenUnauthorized() {
		HttpStatus status = WebClient.create(this.partners.apiUrl())
			.get()
			.uri("/basic/rooms")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(HttpStatus.valueOf(response.statusCode().value())))
			.block(Duration.ofSeconds(30));
		assertThat(status).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void healthWhenUpThenAnsweredWithoutLogin() {
		Map<?, ?> health = app().get().uri("/actuator/health").retrieve().bodyToMono(Map.class)
			.block(Duration.ofSeconds(30));
		assertThat(health.get("status")).isEqualTo("UP");
	}

	@Test
	void serverWhenStartedWithDefaultsThenListensOnLoopbackOnly() throws IOException {
		// DELETE /actuator/tokenkeeper is open: only this machine may reach it
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			assertThat(socket.isConnected()).isTrue();
		}
		// another loopback address on Linux: answered only when bound to every address
		try (Socket socket = new Socket()) {
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.2", this.port), 5_000));
		}
	}

	private DemoReport demo(int calls) {
		return app().get().uri("/demo?calls={calls}", calls).retrieve().bodyToMono(DemoReport.class)
			.block(Duration.ofSeconds(60));
	}

	private WebClient app() {
		return WebClient.create("http://127.0.0.1:" + this.port);
	}

}
