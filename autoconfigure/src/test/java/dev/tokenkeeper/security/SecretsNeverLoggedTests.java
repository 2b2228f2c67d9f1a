package dev.tokenkeeper.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With every logger at TRACE and Boot 4's {@code spring.http.codecs.log-request-details=true},
 * ordinary calls, 401 replays and token endpoint failures log no secret in any form and no
 * issued token.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLoggedTests {

	static final String BASIC_SECRET = "b4s1c+/:=%-secret";

	static final String POST_SECRET = "p0st-form-secret&=";

	static final String AUTH0_SECRET = "auth0\"json\\secret";

	static final String BROKEN_SECRET = "br0ken-secret-value";

	static final List<String> TOKENS = List.of("tok-basic-first-1111", "tok-basic-second-2222",
			"tok-post-3333333333", "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NDAwMDAwMH0.c2lnbmF0dXJl");

	static final String CANARY = "tokenkeeper-log-capture-canary-7f3e";

	final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	ConfigurableApplicationContext context;

	@BeforeEach
	void setUp() {
		this.server.start();
		String base = this.server.baseUrl();
		// basic-form: the first token is refused by the API once, the second works
		this.server.stubFor(post("/basic/token").inScenario("basic")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(token(TOKENS.get(0)))
			.willSetStateTo("second"));
		this.server.stubFor(post("/basic/token").inScenario("basic").whenScenarioStateIs("second")
			.willReturn(token(TOKENS.get(1))));
		this.server.stubFor(any(urlPathMatching("/basic-api/.*")).atPriority(1)
			.withHeader("Authorization", equalTo("Bearer " + TOKENS.get(0)))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		this.server.stubFor(any(urlPathMatching("/basic-api/.*")).atPriority(2)
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
		// post-form: a 503, then a token
		this.server.stubFor(post("/post/token").inScenario("post")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withBody("upstream unavailable"))
			.willSetStateTo("up"));
		this.server.stubFor(post("/post/token").inScenario("post").whenScenarioStateIs("up")
			.willReturn(token(TOKENS.get(2))));
		this.server.stubFor(any(urlPathMatching("/post-api/.*"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
		// auth0: JSON body, JWT without expires_in
		this.server.stubFor(post("/oauth/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + TOKENS.get(3) + "\",\"token_type\":\"Bearer\"}")));
		this.server.stubFor(any(urlPathMatching("/auth0-api/.*"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
		// broken: invalid_client
		this.server.stubFor(post("/broken/token").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}")));

		this.context = new SpringApplicationBuilder(LoggingApp.class).web(WebApplicationType.NONE)
			.properties("logging.level.root=TRACE", "logging.level.org.springframework=TRACE",
					"logging.level.reactor.netty=TRACE", "logging.level.io.netty=TRACE",
					"logging.level.dev.tokenkeeper=TRACE",
					// the stub server's own logs are the provider's side, not ours
					"logging.level.wiremock=OFF", "logging.level.WireMock=OFF",
					"logging.level.com.github.tomakehurst=OFF",
					"spring.http.codecs.log-request-details=true",
					"tokenkeeper.retry.initial-backoff=1ms",
					"tokenkeeper.clients.pokitdok.token-uri=" + base + "/basic/token",
					"tokenkeeper.clients.pokitdok.client-id=pokit client",
					"tokenkeeper.clients.pokitdok.client-secret=" + BASIC_SECRET,
					"tokenkeeper.clients.pokitdok.base-urls=" + base + "/basic-api",
					"tokenkeeper.clients.canvas.profile=post-form",
					"tokenkeeper.clients.canvas.token-uri=" + base + "/post/token",
					"tokenkeeper.clients.canvas.client-id=canvas-client",
					"tokenkeeper.clients.canvas.client-secret=" + POST_SECRET,
					"tokenkeeper.clients.canvas.base-urls=" + base + "/post-api",
					"tokenkeeper.clients.betterpt.profile=auth0",
					"tokenkeeper.clients.betterpt.token-uri=" + base + "/oauth/token",
					"tokenkeeper.clients.betterpt.client-id=betterpt-client",
					"tokenkeeper.clients.betterpt.client-secret=" + AUTH0_SECRET,
					"tokenkeeper.clients.betterpt.audience=https://audience.env/auth",
					"tokenkeeper.clients.betterpt.base-urls=" + base + "/auth0-api",
					"tokenkeeper.clients.broken.profile=post-form",
					"tokenkeeper.clients.broken.token-uri=" + base + "/broken/token",
					"tokenkeeper.clients.broken.client-id=broken-client",
					"tokenkeeper.clients.broken.client-secret=" + BROKEN_SECRET,
					"tokenkeeper.clients.broken.base-urls=" + base + "/broken-api")
			.run();
	}

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void callsWhenEveryLoggerAtTraceThenNoSecretOrTokenInOutput(CapturedOutput output) {
		WebClient webClient = this.context.getBean(WebClient.Builder.class).build();
		String base = this.server.baseUrl();
		for (int i = 0; i < 3; i++) {
			assertThat(webClient.post().uri(base + "/basic-api/claims").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"claim\":" + i + "}").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
				.contains("ok");
			assertThat(webClient.get().uri(base + "/post-api/patients").retrieve().bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).contains("ok");
			assertThat(webClient.get().uri(base + "/auth0-api/sessions").retrieve().bodyToMono(String.class)
				.block(Duration.ofSeconds(10))).contains("ok");
		}
		List<Throwable> failures = new ArrayList<>();
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> webClient.get()
			.uri(base + "/broken-api/x")
			.retrieve()
			.bodyToMono(String.class)
			.doOnError(failures::add)
			.block(Duration.ofSeconds(10)))
			.satisfies((ex) -> assertThat(ex).isNotInstanceOf(WebClientResponseException.class));
		LogFactory.getLog("dev.tokenkeeper.canary").trace(CANARY);

		String logged = output.getAll();
		assertThat(logged).as("the capture works").contains(CANARY);
		assertThat(logged).as("TRACE request logging is on").contains("/basic-api/claims");
		for (String secret : List.of(BASIC_SECRET, POST_SECRET, AUTH0_SECRET, BROKEN_SECRET)) {
			assertThat(logged).doesNotContain(secret)
				.doesNotContain(urlEncoded(secret))
				.doesNotContain(jsonEscaped(secret));
		}
		assertThat(logged).doesNotContain(basic("pokit client", BASIC_SECRET))
			.doesNotContain(Base64.getEncoder()
				.encodeToString(("pokit client:" + BASIC_SECRET).getBytes(StandardCharsets.UTF_8)));
		for (String token : TOKENS) {
			assertThat(logged).doesNotContain(token);
		}
		assertThat(failures).singleElement()
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("broken").contains("invalid_client")
				.doesNotContain(BROKEN_SECRET));
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder token(String value) {
		return aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
	}

	private static String urlEncoded(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String jsonEscaped(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	private static String basic(String id, String secret) {
		return Base64.getEncoder()
			.encodeToString((urlEncoded(id) + ":" + urlEncoded(secret)).getBytes(StandardCharsets.UTF_8));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
			ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			TokenKeeperAutoConfiguration.class, TokenKeeperWebClientAutoConfiguration.class })
	static class LoggingApp {

	}

}
