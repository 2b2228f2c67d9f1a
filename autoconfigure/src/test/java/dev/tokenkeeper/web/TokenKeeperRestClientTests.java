package dev.tokenkeeper.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.ClientAttributes;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.routing.TokenRoutingException;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * RestClients from Boot's {@code RestClient.Builder}: the same tokens, by the same rules, as
 * WebClients, from the same cache.
 */
class TokenKeeperRestClientTests {

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(100));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.contextRunner = RestClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"))
			.withPropertyValues(WebClientContexts.registration("candid", this.server.baseUrl() + "/candid/token"))
			.withPropertyValues("tokenkeeper.replay.unauthorized-cool-down=30s");
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1", "token-2", "token-3", "token-4");
		TokenEndpointStubs.sequence(this.server, "/candid/token", 300, "candid-token");
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void callsWhenUrlUnderBaseUrlThenBearerTokenAndOneTokenRequest() {
		accept("token-1");
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			for (int i = 0; i < 5; i++) {
				assertThat(rooms(restClient).retrieve().body(String.class)).isEqualTo("ok");
			}
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(5, roomsWith("token-1"));
		});
	}

	@Test
	void callWhenHostNotConfiguredThenNoAuthorizationAndNoTokenRequest() {
		WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		other.start();
		try {
			other.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("elsewhere")));
			this.contextRunner.run((context) -> {
				RestClient restClient = context.getBean(RestClient.Builder.class).build();
				assertThat(restClient.get().uri(other.baseUrl() + "/api/rooms").retrieve().body(String.class))
					.isEqualTo("elsewhere");
				other.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")).withoutHeader(HttpHeaders.AUTHORIZATION));
				this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			});
		}
		finally {
			other.stop();
		}
	}

	@Test
	void callWhenAuthorizationAlreadySetThenLeftAlone() {
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).willReturn(aResponse().withBody("ok")));
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(rooms(restClient).header(HttpHeaders.AUTHORIZATION, "Bearer callers-own").retrieve()
				.body(String.class)).isEqualTo("ok");
			LoggedRequest request = this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms"))).get(0);
			assertThat(request.getHeaders().getHeader(HttpHeaders.AUTHORIZATION).values())
				.containsExactly("Bearer callers-own");
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void callWhenTokenKeeperAttributeNamesRegistrationWithoutBaseUrlsThenItsToken() {
		this.server.stubFor(get(urlPathEqualTo("/claims")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer candid-token")).willReturn(aResponse().withBody("claims")));
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(restClient.get().uri(this.server.baseUrl() + "/claims")
				.attributes(TokenKeeperAttributes.client("candid"))
				.retrieve()
				.body(String.class)).isEqualTo("claims");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/candid/token")));
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void callWhenSpringSecurityAttributeNamesRegistrationThenItsToken() {
		this.server.stubFor(get(urlPathEqualTo("/claims")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer candid-token")).willReturn(aResponse().withBody("claims")));
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(restClient.get().uri(this.server.baseUrl() + "/claims")
				.attributes(ClientAttributes.clientRegistrationId("candid"))
				.retrieve()
				.body(String.class)).isEqualTo("claims");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/candid/token")));
		});
	}

	@Test
	void callWhenAttributeNamesUnknownRegistrationThenFailsAndNothingIsSent() {
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(TokenRoutingException.class)
				.isThrownBy(() -> restClient.get().uri(this.server.baseUrl() + "/claims")
					.attributes(TokenKeeperAttributes.client("nobody"))
					.retrieve()
					.body(String.class))
				.withMessageContaining("'nobody'")
				.withMessageContaining("tokenkeeper.clients.nobody");
			this.server.verify(0, getRequestedFor(urlPathEqualTo("/claims")));
		});
	}

	@Test
	void callWhenSpringAttributeNamesApplicationsOwnRegistrationThenLeftAlone() {
		this.server.stubFor(get(urlPathEqualTo("/github/user")).willReturn(aResponse().withBody("octocat")));
		this.contextRunner.withBean(ClientRegistrationRepository.class, () -> new InMemoryClientRegistrationRepository(
				ClientRegistration.withRegistrationId("github")
					.clientId("github-client")
					.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
					.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
					.authorizationUri("https://github.com/login/oauth/authorize")
					.tokenUri("https://github.com/login/oauth/access_token")
					.build()))
			.run((context) -> {
				RestClient restClient = context.getBean(RestClient.Builder.class).build();
				assertThat(restClient.get().uri(this.server.baseUrl() + "/github/user")
					.attributes(ClientAttributes.clientRegistrationId("github"))
					.retrieve()
					.body(String.class)).isEqualTo("octocat");
				this.server.verify(1, getRequestedFor(urlPathEqualTo("/github/user"))
					.withoutHeader(HttpHeaders.AUTHORIZATION));
			});
	}

	@Test
	void getWhenUnauthorizedThenTokenDroppedAndReplayedWithNewToken() {
		refuse("token-1");
		accept("token-2");
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(rooms(restClient).retrieve().body(String.class)).isEqualTo("ok");
			assertThat(rooms(restClient).retrieve().body(String.class)).isEqualTo("ok");
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-1"));
			this.server.verify(2, roomsWith("token-2"));
		});
	}

	@Test
	void postWhenUnauthorizedThenReplayedWithSameBodyAndHeaders() {
		this.server.stubFor(post(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(unauthorized()));
		this.server.stubFor(post(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-2"))
			.willReturn(aResponse().withStatus(201).withBody("created")));
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			String body = restClient.post()
				.uri(this.server.baseUrl() + "/api/rooms")
				.contentType(MediaType.APPLICATION_JSON)
				.header("X-Request-Id", "r-1")
				.body("{\"name\":\"Room 1\",\"seats\":4}")
				.retrieve()
				.body(String.class);
			assertThat(body).isEqualTo("created");
			LoggedRequest original = onlyPost("token-1");
			LoggedRequest replayed = onlyPost("token-2");
			assertThat(new String(original.getBody(), StandardCharsets.UTF_8))
				.isEqualTo("{\"name\":\"Room 1\",\"seats\":4}");
			assertThat(replayed.getBody()).isEqualTo(original.getBody());
			assertThat(replayed.getHeader("Content-Type")).isEqualTo(original.getHeader("Content-Type"));
			assertThat(replayed.getHeaders().getHeader("X-Request-Id").values()).containsExactly("r-1");
			assertThat(replayed.getHeaders().getHeader(HttpHeaders.AUTHORIZATION).values())
				.containsExactly("Bearer token-2");
		});
	}

	@Test
	void concurrentCallsWhenUnauthorizedOnSameTokenThenOneNewTokenRequest() throws Exception {
		// slow 401s, so that many calls hold token-1 at once
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(unauthorized().withFixedDelay(300)));
		accept("token-2");
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			// token-1 is cached before the calls start, so every call sends it and gets a 401
			assertThat(context.getBean(TokenCache.class).token("partner").block(Duration.ofSeconds(30)).value())
				.isEqualTo("token-1");
			assertThat(concurrently(50, () -> rooms(restClient).retrieve().body(String.class))).hasSize(50)
				.containsOnly("ok");
			// every call that sent token-1 was replayed with token-2; calls that started after
			// token-2 arrived sent it at once; a 401 on token-1 never dropped token-2
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			assertThat(this.server.findAll(roomsWith("token-1"))).hasSizeGreaterThan(1);
			this.server.verify(50, roomsWith("token-2"));
		});
	}

	@Test
	void callsWhenEveryTokenRefusedThenNoTokenRequestPerCallUntilCoolDownEnds() {
		refuse("token-1");
		refuse("token-2");
		accept("token-3");
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(status(rooms(restClient))).isEqualTo(401);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			for (int i = 0; i < 10; i++) {
				assertThat(status(rooms(restClient))).isEqualTo(401);
			}
			this.clock.advance(Duration.ofSeconds(29));
			assertThat(status(rooms(restClient))).isEqualTo(401);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(12, roomsWith("token-2"));
			this.clock.advance(Duration.ofSeconds(2));
			assertThat(status(rooms(restClient))).isEqualTo(200);
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
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			for (int i = 0; i < 10; i++) {
				assertThat(status(rooms(restClient).attributes(TokenKeeperAttributes.noReplay()))).isEqualTo(401);
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
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(status(rooms(restClient))).isEqualTo(200);
			refuse("token-2");
			assertThat(status(rooms(restClient))).isEqualTo(200);
			this.server.verify(3, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-3"));
		});
	}

	@Test
	void callWhenNoReplayAndUnauthorizedThenCallerGetsUnauthorizedAndTokenIsDropped() {
		refuse("token-1");
		accept("token-2");
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThat(status(rooms(restClient).attributes(TokenKeeperAttributes.noReplay()))).isEqualTo(401);
			this.server.verify(1, getRequestedFor(urlPathEqualTo("/api/rooms")));
			assertThat(status(rooms(restClient))).isEqualTo(200);
			this.server.verify(2, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(1, roomsWith("token-2"));
		});
	}

	@Test
	void callWhenOnReactorNonBlockingThreadThenFailsAtOnceAndNothingIsSent() {
		accept("token-1");
		this.server.stubFor(get(urlPathEqualTo("/ping")).willReturn(aResponse().withBody("pong")));
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			Duration block = Duration.ofSeconds(30);
			assertThatIllegalStateException()
				.isThrownBy(() -> Mono.fromCallable(() -> status(rooms(restClient)))
					.subscribeOn(Schedulers.parallel())
					.block(block))
				.withMessageContaining("'partner'")
				.withMessageContaining("non-blocking");
			// the thread a WebClient response arrives on: a Reactor Netty event loop
			assertThatIllegalStateException().isThrownBy(() -> WebClient.create(this.server.baseUrl())
				.get()
				.uri("/ping")
				.retrieve()
				.bodyToMono(String.class)
				.map((pong) -> status(rooms(restClient)))
				.block(block)).withMessageContaining("reactor-http");
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			this.server.verify(0, getRequestedFor(urlPathEqualTo("/api/rooms")));
			assertThat(status(rooms(restClient))).isEqualTo(200);
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void callWhenTokenEndpointRefusesThenCallerGetsTokenEndpointExceptionAndApiIsNotCalled() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).atPriority(1)
			.willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_client\"}")));
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(TokenEndpointException.class)
				.isThrownBy(() -> rooms(restClient).retrieve().body(String.class))
				.withMessageContaining("partner")
				.withMessageContaining("invalid_client")
				.withMessageNotContaining("partner-secret");
			this.server.verify(0, getRequestedFor(urlPathEqualTo("/api/rooms")));
		});
	}

	@Test
	void callWhenInterceptorAlsoAddedByHandThenOneBearerToken() {
		accept("token-1");
		this.contextRunner.run((context) -> {
			RestClient restClient = context.getBean(RestClient.Builder.class)
				.requestInterceptor(context.getBean(TokenKeeperClientHttpRequestInterceptor.class))
				.build();
			assertThat(rooms(restClient).retrieve().body(String.class)).isEqualTo("ok");
			LoggedRequest request = this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms"))).get(0);
			assertThat(request.getHeaders().getHeader(HttpHeaders.AUTHORIZATION).values())
				.containsExactly("Bearer token-1");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void callWhenLoadBalancedBaseUrlThenTokenAddedBeforeTheLoadBalancerPicksAnInstance() {
		this.server.stubFor(get(urlPathEqualTo("/v0/rooms")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer lb-token")).willReturn(aResponse().withBody("balanced")));
		TokenEndpointStubs.sequence(this.server, "/lb/token", 300, "lb-token");
		// what Spring Cloud LoadBalancer's interceptor does: lb://<service> becomes an instance
		URI instance = URI.create(this.server.baseUrl());
		ClientHttpRequestInterceptor loadBalancer = (request, body, execution) -> execution
			.execute(new HttpRequestWrapper(request) {

				@Override
				public URI getURI() {
					URI uri = request.getURI();
					return URI.create(instance + uri.getRawPath());
				}

			}, body);
		this.contextRunner
			.withPropertyValues(WebClientContexts.registration("balanced", this.server.baseUrl() + "/lb/token",
					"lb://partner-service/v0"))
			.run((context) -> {
				RestClient restClient = context.getBean(RestClient.Builder.class).requestInterceptor(loadBalancer)
					.build();
				assertThat(restClient.get().uri("lb://partner-service/v0/rooms").retrieve().body(String.class))
					.isEqualTo("balanced");
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/lb/token")));
			});
	}

	private RestClient.RequestHeadersSpec<?> rooms(RestClient restClient) {
		return restClient.get().uri(this.server.baseUrl() + "/api/rooms");
	}

	private static int status(RestClient.RequestHeadersSpec<?> request) {
		return request.exchange((clientRequest, response) -> response.getStatusCode().value());
	}

	private static <T> List<T> concurrently(int calls, java.util.concurrent.Callable<T> call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(calls);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return call.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(60, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
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
