package dev.tokenkeeper.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 401 from the API drops the token and replays the request once, seen through a WebClient
 * from Boot's builder.
 */
class TokenKeeperUnauthorizedReplayTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(100));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"))
			.withPropertyValues("tokenkeeper.replay.unauthorized-cool-down=30s");
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2", "token-3", "token-4");
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void getWhenUnauthorizedThenTokenDroppedAndReplayedWithNewToken() {
		refuse("token-1");
		accept("token-2");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(rooms(webClient).retrieve().bodyToMono(String.class).block(BLOCK)).isEqualTo("ok");
			assertThat(rooms(webClient).retrieve().bodyToMono(String.class).block(BLOCK)).isEqualTo("ok");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-1"));
			this.server.verify(2, roomsWith("token-2"));
		});
	}

	@Test
	void postWhenUnauthorizedThenReplayedWithSameBody() {
		this.server.stubFor(post(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(unauthorized()));
		this.server.stubFor(post(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-2"))
			.willReturn(aResponse().withStatus(201).withBody("created")));
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			Map<String, Object> room = new LinkedHashMap<>();
			room.put("name", "Room 1");
			room.put("seats", 4);
			String body = webClient.post()
				.uri(this.server.baseUrl() + "/api/rooms")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(room)
				.retrieve()
				.bodyToMono(String.class)
				.block(BLOCK);
			assertThat(body).isEqualTo("created");
			LoggedRequest original = onlyPost("token-1");
			LoggedRequest replayed = onlyPost("token-2");
			assertThat(new String(original.getBody(), StandardCharsets.UTF_8))
				.isEqualTo("{\"name\":\"Room 1\",\"seats\":4}");
			assertThat(replayed.getBody()).isEqualTo(original.getBody());
			assertThat(replayed.getHeader("Content-Type")).isEqualTo(original.getHeader("Content-Type"));
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void concurrentCallsWhenUnauthorizedOnSameTokenThenOneNewTokenRequest() {
		// The 401s come late, so that every one of the 50 calls has looked its token up (and got
		// token-1) before the first 401 drops it, however slowly a loaded machine starts them.
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(unauthorized().withFixedDelay(500)));
		accept("token-2");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			List<String> bodies = Flux.range(0, 50)
				.flatMap((i) -> rooms(webClient).retrieve().bodyToMono(String.class), 50)
				.collectList()
				.block(BLOCK);
			assertThat(bodies).hasSize(50).containsOnly("ok");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(50, roomsWith("token-1"));
			this.server.verify(50, roomsWith("token-2"));
		});
	}

	@Test
	void replayWhenFreshTokenRefusedTooThenCallerGetsUnauthorized() {
		refuse("token-1");
		refuse("token-2");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(status(rooms(webClient))).isEqualTo(401);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-1"));
			this.server.verify(1, roomsWith("token-2"));
		});
	}

	@Test
	void callsWhenEveryTokenRefusedThenNoTokenRequestPerCallUntilCoolDownEnds() {
		refuse("token-1");
		refuse("token-2");
		accept("token-3");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(status(rooms(webClient))).isEqualTo(401);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			for (int i = 0; i < 10; i++) {
				assertThat(status(rooms(webClient))).isEqualTo(401);
			}
			this.clock.advance(Duration.ofSeconds(29));
			assertThat(status(rooms(webClient))).isEqualTo(401);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(12, roomsWith("token-2"));
			this.clock.advance(Duration.ofSeconds(2));
			assertThat(status(rooms(webClient))).isEqualTo(200);
			this.server.verify(3, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(13, roomsWith("token-2"));
			this.server.verify(1, roomsWith("token-3"));
		});
	}

	@Test
	void callsWhenClockSteppedBackAnHourDuringCoolDownThenCoolDownHasEnded() {
		refuse("token-1");
		refuse("token-2");
		accept("token-3");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(status(rooms(webClient))).isEqualTo(401);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.clock.advance(Duration.ofHours(-1));
			assertThat(status(rooms(webClient))).isEqualTo(200);
			this.server.verify(3, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-3"));
		});
	}

	@Test
	void noReplayCallsWhenEveryTokenRefusedThenTokenRequestsBoundedAsForReplayableCalls() {
		refuse("token-1");
		refuse("token-2");
		refuse("token-3");
		refuse("token-4");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			for (int i = 0; i < 10; i++) {
				assertThat(status(rooms(webClient).attributes(TokenKeeperAttributes.noReplay()))).isEqualTo(401);
			}
			// the first 401 drops token-1; the 401 on token-2, fetched after it, starts the cool-down
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-1"));
			this.server.verify(9, roomsWith("token-2"));
		});
	}

	@Test
	void callWhenFreshTokenAcceptedAndLaterRefusedThenReplayedLikeAnyRevokedToken() {
		refuse("token-1");
		accept("token-2");
		accept("token-3");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(status(rooms(webClient))).isEqualTo(200);
			refuse("token-2");
			assertThat(status(rooms(webClient))).isEqualTo(200);
			this.server.verify(3, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-3"));
		});
	}

	@Test
	void callWhenNoReplayAndUnauthorizedThenCallerGetsUnauthorizedAndTokenIsDropped() {
		refuse("token-1");
		accept("token-2");
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(status(rooms(webClient).attributes(TokenKeeperAttributes.noReplay()))).isEqualTo(401);
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")));
			assertThat(status(rooms(webClient))).isEqualTo(200);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-2"));
		});
	}

	private WebClient.RequestHeadersSpec<?> rooms(WebClient webClient) {
		return webClient.get().uri(this.server.baseUrl() + "/api/rooms");
	}

	private static int status(WebClient.RequestHeadersSpec<?> request) {
		return request.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(BLOCK);
	}

	private void refuse(String token) {
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
			.willReturn(unauthorized()));
	}

	private void accept(String token) {
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token))
			.willReturn(aResponse().withBody("ok")));
	}

	private static ResponseDefinitionBuilder unauthorized() {
		return aResponse().withStatus(401)
			.withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_token\"}");
	}

	private static RequestPatternBuilder roomsWith(String token) {
		return getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + token));
	}

	private LoggedRequest onlyPost(String token) {
		List<LoggedRequest> requests = this.server.findAll(postRequestedFor(urlPathEqualTo("/api/rooms"))
			.withHeader("Authorization", equalTo("Bearer " + token)));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

}
