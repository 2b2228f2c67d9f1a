package dev.tokenkeeper.web;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.routing.TokenRoutingException;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.WebClientContexts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which outgoing requests get which token, seen on the wire through a WebClient from Boot's
 * builder. Registrations: {@code partner} under {@code http://localhost:<port>/api},
 * {@code v2} under {@code http://localhost:<port>/api/v2}, {@code billing} without base URLs.
 */
class TokenKeeperRoutingWebClientTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		String base = this.server.baseUrl();
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", base + "/partner/token", base + "/api"))
			.withPropertyValues(WebClientContexts.registration("v2", base + "/v2/token", base + "/api/v2"))
			.withPropertyValues(WebClientContexts.registration("billing", base + "/billing/token"));
		for (String id : List.of("partner", "v2", "billing")) {
			this.server.stubFor(post("/" + id + "/token").willReturn(aResponse()
				.withHeader("Content-Type", "application/json")
				.withBody("{\"access_token\":\"" + id + "-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		}
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void requestWhenUnderBaseUrlThenBearerToken() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			call(webClient, this.server.baseUrl() + "/api");
			call(webClient, this.server.baseUrl() + "/api/rooms");
			assertThat(authorization("/api")).containsExactly("Bearer partner-token");
			assertThat(authorization("/api/rooms")).containsExactly("Bearer partner-token");
		});
	}

	@Test
	void requestWhenHostDiffersOnlyInCaseThenBearerToken() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			call(webClient, "http://LocalHost:" + this.server.port() + "/api/rooms");
			assertThat(authorization("/api/rooms")).containsExactly("Bearer partner-token");
		});
	}

	@Test
	void requestWhenPathOnlyStartsLikeBaseUrlThenNoAuthorization() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			call(webClient, this.server.baseUrl() + "/apix");
			call(webClient, this.server.baseUrl() + "/apix/rooms");
			call(webClient, this.server.baseUrl() + "/other");
			assertThat(authorization("/apix")).isEmpty();
			assertThat(authorization("/apix/rooms")).isEmpty();
			assertThat(authorization("/other")).isEmpty();
			assertNoTokenRequests();
		});
	}

	@Test
	void requestWhenOtherHostForSameServerThenNoAuthorization() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			// the same server, reached by a host string the base URL does not name
			call(webClient, "http://127.0.0.1:" + this.server.port() + "/api/rooms");
			assertThat(authorization("/api/rooms")).isEmpty();
			assertNoTokenRequests();
		});
	}

	@Test
	void requestWhenOtherPortThenNoAuthorization() {
		WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		other.start();
		try {
			other.stubFor(get(anyUrl()).willReturn(aResponse().withBody("ok")));
			this.contextRunner.run((context) -> {
				WebClient webClient = context.getBean(WebClient.Builder.class).build();
				call(webClient, other.baseUrl() + "/api/rooms");
				List<LoggedRequest> requests = other.findAll(getRequestedFor(urlPathEqualTo("/api/rooms")));
				assertThat(requests).hasSize(1);
				assertThat(requests.get(0).containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
				assertNoTokenRequests();
			});
		}
		finally {
			other.stop();
		}
	}

	@Test
	void requestWhenUrlHasUserInfoThenNoAuthorization() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			call(webClient, "http://user@localhost:" + this.server.port() + "/api/rooms");
			assertThat(authorization("/api/rooms")).isEmpty();
			assertNoTokenRequests();
		});
	}

	@Test
	void requestWhenAuthorizationPresentThenItIsKept() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			webClient.get()
				.uri(this.server.baseUrl() + "/api/rooms")
				.header(HttpHeaders.AUTHORIZATION, "Basic b3duOmhlYWRlcg==")
				.retrieve()
				.toBodilessEntity()
				.block(BLOCK);
			assertThat(authorization("/api/rooms")).containsExactly("Basic b3duOmhlYWRlcg==");
			assertNoTokenRequests();
		});
	}

	@Test
	void requestWhenLaterFilterSetsAuthorizationThenItsHeaderIsSent() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class)
				.filter((request, next) -> next.exchange(
						ClientRequest.from(request).header(HttpHeaders.AUTHORIZATION, "Basic bGF0ZXI6ZmlsdGVy").build()))
				.build();
			call(webClient, this.server.baseUrl() + "/api/rooms");
			assertThat(authorization("/api/rooms")).containsExactly("Basic bGF0ZXI6ZmlsdGVy");
		});
	}

	@Test
	void requestWhenAttributeNamesUnknownRegistrationThenTokenRoutingException() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(TokenRoutingException.class)
				.isThrownBy(() -> webClient.get()
					.uri(this.server.baseUrl() + "/api/rooms")
					.attributes(TokenKeeperAttributes.client("unknown"))
					.retrieve()
					.toBodilessEntity()
					.block(BLOCK))
				.withMessageContaining("'unknown'")
				.withMessageContaining("tokenkeeper.clients.unknown");
			this.server.verify(0, anyRequestedFor(anyUrl()));
		});
	}

	@Test
	void requestWhenAttributeNamesRegistrationWhoseBaseUrlsDoNotCoverUrlThenTokenRoutingException() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(TokenRoutingException.class)
				.isThrownBy(() -> webClient.get()
					.uri(this.server.baseUrl() + "/other")
					.attributes(TokenKeeperAttributes.client("partner"))
					.retrieve()
					.toBodilessEntity()
					.block(BLOCK))
				.withMessageContaining("'partner'")
				.withMessageContaining("tokenkeeper.clients.partner.base-urls");
			this.server.verify(0, anyRequestedFor(anyUrl()));
		});
	}

	@Test
	void requestWhenSpringSecurityAttributeThenThatRegistrationsToken() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			// by URL alone, /api/v2 belongs to v2; the attribute picks partner, whose /api covers it
			webClient.get()
				.uri(this.server.baseUrl() + "/api/v2/rooms")
				.attributes(ServerOAuth2AuthorizedClientExchangeFilterFunction.clientRegistrationId("partner"))
				.retrieve()
				.toBodilessEntity()
				.block(BLOCK);
			assertThat(authorization("/api/v2/rooms")).containsExactly("Bearer partner-token");
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/v2/token")));
		});
	}

	@Test
	void requestWhenRegistrationHasNoBaseUrlsThenTokenOnlyWithAttribute() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			call(webClient, this.server.baseUrl() + "/billing/plain");
			webClient.get()
				.uri(this.server.baseUrl() + "/billing/ours")
				.attributes(TokenKeeperAttributes.client("billing"))
				.retrieve()
				.toBodilessEntity()
				.block(BLOCK);
			webClient.get()
				.uri(this.server.baseUrl() + "/billing/security")
				.attributes(ServerOAuth2AuthorizedClientExchangeFilterFunction.clientRegistrationId("billing"))
				.retrieve()
				.toBodilessEntity()
				.block(BLOCK);
			assertThat(authorization("/billing/plain")).isEmpty();
			assertThat(authorization("/billing/ours")).containsExactly("Bearer billing-token");
			assertThat(authorization("/billing/security")).containsExactly("Bearer billing-token");
			this.server.verify(1, postRequestedFor(urlPathEqualTo("/billing/token")));
		});
	}

	@Test
	void requestWhenAttributeNamesRegistrationForPlainHttpToOtherHostThenTokenRoutingException() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			// 192.0.2.0/24 is reserved for documentation: the request must fail before it is sent
			assertThatExceptionOfType(TokenRoutingException.class)
				.isThrownBy(() -> webClient.get()
					.uri("http://192.0.2.1/billing")
					.attributes(TokenKeeperAttributes.client("billing"))
					.retrieve()
					.toBodilessEntity()
					.block(BLOCK))
				.withMessageContaining("'billing'");
			assertNoTokenRequests();
		});
	}

	@Test
	void requestWhenTwoBaseUrlsMatchThenLongestWins() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			call(webClient, this.server.baseUrl() + "/api/v2/rooms");
			call(webClient, this.server.baseUrl() + "/api/v1/rooms");
			call(webClient, this.server.baseUrl() + "/api/v2x");
			assertThat(authorization("/api/v2/rooms")).containsExactly("Bearer v2-token");
			assertThat(authorization("/api/v1/rooms")).containsExactly("Bearer partner-token");
			assertThat(authorization("/api/v2x")).containsExactly("Bearer partner-token");
		});
	}

	private static void call(WebClient webClient, String url) {
		webClient.get().uri(url).retrieve().toBodilessEntity().block(BLOCK);
	}

	/** The Authorization values of the one request the server got at this path. */
	/**
	 * Paths whose text is under {@code /api} ({@code partner}) while servers that merge
	 * slashes, strip {@code ;} parameters or decode {@code %2F}/{@code %5C} serve them from
	 * {@code /api/v2} ({@code v2}) or elsewhere.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "//v2/./api/x", "/api/..;/api/v2/x", "/api/..%2fapi/v2/x", "/api/..%2Fapi/v2/x",
			"/api/..%5capi%5cv2/x", "/api//v2/x", "/api/x;jsessionid=1" })
	void requestWhenPathMayBeReadAsAnotherThenSentWithoutAuthorization(String path) {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			String body = webClient.get()
				.uri(URI.create(this.server.baseUrl() + path))
				.retrieve()
				.bodyToMono(String.class)
				.block(BLOCK);
			assertThat(body).isEqualTo("ok");
			List<LoggedRequest> requests = this.server.findAll(getRequestedFor(anyUrl()));
			assertThat(requests).hasSize(1);
			assertThat(requests.get(0).containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
			assertNoTokenRequests();
		});
	}

	@Test
	void requestWhenPathHasEncodedDotsThenRoutedAsTheServerReadsIt() {
		this.contextRunner.run((context) -> {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			webClient.get()
				.uri(URI.create(this.server.baseUrl() + "/api/v2/%2e%2e/rooms"))
				.retrieve()
				.bodyToMono(String.class)
				.block(BLOCK);
			assertThat(this.server.findAll(getRequestedFor(anyUrl()))).singleElement()
				.satisfies((request) -> assertThat(request.getHeader(HttpHeaders.AUTHORIZATION))
					.isEqualTo("Bearer partner-token"));
		});
	}

	private List<String> authorization(String path) {
		List<LoggedRequest> requests = this.server.findAll(getRequestedFor(urlPathEqualTo(path)));
		assertThat(requests).as("requests to %s", path).hasSize(1);
		LoggedRequest request = requests.get(0);
		return request.containsHeader(HttpHeaders.AUTHORIZATION)
				? request.getHeaders().getHeader(HttpHeaders.AUTHORIZATION).values() : List.of();
	}

	private void assertNoTokenRequests() {
		this.server.verify(0, postRequestedFor(urlPathMatching("/.*/token")));
	}

}
