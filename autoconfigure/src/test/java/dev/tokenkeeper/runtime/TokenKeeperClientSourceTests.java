package dev.tokenkeeper.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.client.TokenKeeperClientLookupException;
import dev.tokenkeeper.client.TokenKeeperClientSource;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.routing.TokenRoutingException;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.web.TokenKeeperAttributes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@link TokenKeeperClientSource} bean is asked for the ids requests name that TokenKeeper
 * does not know, once per id however many callers wait; its answers are kept within
 * {@code tokenkeeper.runtime.maximum-clients} and {@code idle-timeout}, its failures are not.
 */
class TokenKeeperClientSourceTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));

	/** A database of clinics: looked-up ids counted, unknown ids answered with null. */
	private final Clinics clinics = new Clinics();

	@BeforeEach
	void start() {
		this.server.start();
		this.server.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"clinic-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.server.stubFor(any(urlPathEqualTo("/claims")).willReturn(aResponse().withStatus(200)));
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	private ApplicationContextRunner runner() {
		return RuntimeClientsTests.runner(this.clock).withBean(TokenKeeperClientSource.class, () -> this.clinics);
	}

	private static void call(RestClient client, String clinic) {
		client.get().uri("/claims").attributes(TokenKeeperAttributes.client(clinic)).retrieve().toBodilessEntity();
	}

	private RestClient restClient(org.springframework.context.ApplicationContext context) {
		return context.getBean(RestClient.Builder.class).baseUrl(this.server.baseUrl()).build();
	}

	@Test
	void hundredConcurrentFirstCallsForOneUnknownIdThenOneLookUp() throws Exception {
		this.clinics.hold();
		runner().run((context) -> {
			RestClient client = restClient(context);
			ExecutorService callers = Executors.newFixedThreadPool(100);
			CountDownLatch started = new CountDownLatch(100);
			try {
				List<Future<?>> calls = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					calls.add(callers.submit(() -> {
						started.countDown();
						call(client, "clinic-1");
					}));
				}
				assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
				this.clinics.release();
				for (Future<?> call : calls) {
					call.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				callers.shutdownNow();
			}
			assertThat(this.clinics.lookups("clinic-1")).isEqualTo(1);
			this.server.verify(1, postRequestedFor(urlEqualTo("/token")));
			this.server.verify(100, getRequestedFor(urlPathEqualTo("/claims"))
				.withHeader("Authorization", equalTo("Bearer clinic-token")));
		});
	}

	@Test
	void webClientCallNamingAnIdTheSourceKnowsThenLookedUpOffTheEventLoopAndItsTokenSent() {
		runner().run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).baseUrl(this.server.baseUrl()).build();
			for (int i = 0; i < 3; i++) {
				client.get()
					.uri("/claims")
					.attributes(TokenKeeperAttributes.client("clinic-1"))
					.retrieve()
					.toBodilessEntity()
					.block(Duration.ofSeconds(10));
			}
			assertThat(this.clinics.lookups("clinic-1")).isEqualTo(1);
			assertThat(this.clinics.lookupThreads).noneMatch((name) -> name.contains("reactor-http"));
			this.server.verify(3, getRequestedFor(urlPathEqualTo("/claims"))
				.withHeader("Authorization", equalTo("Bearer clinic-token")));
		});
	}

	@Test
	void idTheSourceDoesNotKnowThenClearErrorNoTokenAndTheAnswerIsKept() {
		runner().run((context) -> {
			RestClient client = restClient(context);
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(TokenRoutingException.class).isThrownBy(() -> call(client, "unknown-7"))
					.withMessageContaining("'unknown-7'")
					.withMessageContaining("TokenKeeperClientSource");
			}
			assertThat(this.clinics.lookups("unknown-7")).isEqualTo(1);
			this.server.verify(0, anyRequestedFor(anyUrl()));
		});
	}

	@Test
	void sourceThrowsThenCallerSeesItsFailureAndTheNextCallAsksAgain() {
		this.clinics.failing = true;
		runner().run((context) -> {
			RestClient client = restClient(context);
			assertThatExceptionOfType(TokenKeeperClientLookupException.class).isThrownBy(() -> call(client, "clinic-1"))
				.withMessageContaining("'clinic-1'")
				.havingCause()
				.withMessage("database down");
			this.server.verify(0, anyRequestedFor(anyUrl()));
			this.clinics.failing = false;
			call(client, "clinic-1");
			assertThat(this.clinics.lookups("clinic-1")).isEqualTo(2);
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/claims"))
				.withHeader("Authorization", equalTo("Bearer clinic-token")));
		});
	}

	@Test
	void moreClientsThanMaximumThenOneIsDroppedAndAskedForAgainOnItsNextUse() {
		runner().withPropertyValues("tokenkeeper.runtime.maximum-clients=2").run((context) -> {
			RestClient client = restClient(context);
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			List<String> ids = List.of("clinic-1", "clinic-2", "clinic-3");
			ids.forEach((id) -> call(client, id));
			List<String> kept = ids.stream().filter(clients::contains).toList();
			assertThat(kept).hasSize(2);
			String dropped = ids.stream().filter((id) -> !kept.contains(id)).findFirst().orElseThrow();
			call(client, dropped);
			assertThat(this.clinics.lookups(dropped)).isEqualTo(2);
			assertThat(clients.contains(dropped)).isTrue();
			this.server.verify(4, getRequestedFor(urlPathEqualTo("/claims"))
				.withHeader("Authorization", equalTo("Bearer clinic-token")));
		});
	}

	@Test
	void clientIdleLongerThanIdleTimeoutThenAskedForAgainWhileOneInUseIsKept() {
		runner().withPropertyValues("tokenkeeper.runtime.idle-timeout=10m").run((context) -> {
			RestClient client = restClient(context);
			call(client, "clinic-1");
			call(client, "clinic-2");
			this.clock.advance(Duration.ofMinutes(6));
			call(client, "clinic-2");
			this.clock.advance(Duration.ofMinutes(6));
			call(client, "clinic-2");
			call(client, "clinic-1");
			assertThat(this.clinics.lookups("clinic-1")).isEqualTo(2);
			assertThat(this.clinics.lookups("clinic-2")).isEqualTo(1);
			this.server.verify(5, getRequestedFor(urlPathEqualTo("/claims"))
				.withHeader("Authorization", equalTo("Bearer clinic-token")));
		});
	}

	private final class Clinics implements TokenKeeperClientSource {

		private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

		private final List<String> lookupThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		private volatile boolean failing;

		void hold() {
			this.gate = new CountDownLatch(1);
		}

		void release() {
			this.gate.countDown();
		}

		int lookups(String id) {
			AtomicInteger count = this.lookups.get(id);
			return (count != null) ? count.get() : 0;
		}

		@Override
		public Map<String, ?> lookup(String id) throws Exception {
			this.lookups.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			this.lookupThreads.add(Thread.currentThread().getName());
			this.gate.await(30, TimeUnit.SECONDS);
			if (this.failing) {
				throw new IllegalStateException("database down");
			}
			if (!id.startsWith("clinic-")) {
				return null;
			}
			return Map.of("profile", "post-form", "token-uri", TokenKeeperClientSourceTests.this.server.baseUrl() + "/token",
					"client-id", id, "client-secret", id + "-secret");
		}

	}

}
