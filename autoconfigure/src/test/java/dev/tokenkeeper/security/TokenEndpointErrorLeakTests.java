package dev.tokenkeeper.security;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenRequestOutcome;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A running application whose token endpoints answer in every way that once put a token or a
 * secret into an error: a success body that is a bare token, error bodies echoing the secret
 * encoded, escaped, in Base64 or wrapped over lines, a token URI whose query holds a key, and
 * an {@code access_token} that is not a b64token. None of it reaches the caller's exception,
 * the log or {@code /actuator/tokenkeeper}.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenEndpointErrorLeakTests {

	/** django-oauth-toolkit's 30 characters: too short to look token-like. */
	private static final String PLAIN_TOKEN = "Wp8u0Pj3xZkLQ2n7Vc5rTb1yHs4Ga6";

	private static final String QUERY_KEY = "Qk3y-in-the-query-0a1b";

	private static final String BAD_TOKEN = "abc def\u00e9-not-b64";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	/** Registration id to its secret: each changes under every encoding and stays short. */
	private final Map<String, String> secrets = new LinkedHashMap<>();

	private ConfigurableApplicationContext context;

	private WebTestClient actuator;

	private WebClient webClient;

	@BeforeEach
	void setUp() throws IOException {
		this.server.start();
		for (String id : List.of("canvas", "formecho", "jsonecho", "base64echo", "basicecho", "wrapped", "query",
				"badtoken")) {
			this.secrets.put(id, "p\u00e4ss  w\"rd/+&" + id.substring(0, 3));
		}
		this.server.stubFor(post(urlPathEqualTo("/canvas/token")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/plain")
			.withBody(PLAIN_TOKEN)));
		echo("formecho", 400, "text/html",
				"<p>Rejected: client_id=formecho-client&client_secret=" + formEncoded(secret("formecho")) + "</p>");
		echo("jsonecho", 500, "text/plain",
				"upstream said: {\"client_secret\":\"" + secret("jsonecho").replace("\"", "\\\"") + "\"");
		echo("base64echo", 401, "text/plain", "secret " + base64(secret("base64echo")) + " is not known");
		echo("basicecho", 401, "text/plain",
				"Authorization: Basic " + base64("basicecho-client:" + formEncoded(secret("basicecho"))) + " refused");
		echo("wrapped", 400, "text/html",
				"<pre>client_secret=" + secret("wrapped").substring(0, 3) + "\n\t" + secret("wrapped").substring(3)
						+ "</pre>");
		this.server.stubFor(post(urlPathEqualTo("/badtoken/token")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + BAD_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.server.stubFor(post(urlPathMatching("/.*-api/.*")).willReturn(aResponse().withBody("ok")));
		String base = this.server.baseUrl();
		List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"management.endpoints.web.exposure.include=tokenkeeper", "management.health.redis.enabled=false",
				"tokenkeeper.retry.max-attempts=1", "spring.reactor.netty.shutdown-quiet-period=50ms"));
		this.secrets.forEach((id, secret) -> {
			String prefix = "tokenkeeper.clients." + id + ".";
			String tokenUri = id.equals("query")
					? "http://127.0.0.1:" + closedPort() + "/query/token?key=" + QUERY_KEY + "&tenant=t1"
					: base + "/" + id + "/token";
			properties.addAll(List.of(prefix + "profile=" + (id.equals("basicecho") ? "basic-form" : "post-form"),
					prefix + "token-uri=" + tokenUri, prefix + "client-id=" + id + "-client",
					prefix + "client-secret=" + secret, prefix + "base-urls=" + base + "/" + id + "-api"));
		});
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(String[]::new))
			.run();
		this.actuator = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port"))
			.build();
		this.webClient = this.context.getBean(WebClient.Builder.class).build();
	}

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void callsWhenTokenEndpointsLeakInEveryKnownWayThenNoTokenSecretOrQueryIsShownAnywhere(CapturedOutput output) {
		List<String> leakingEndpoints = this.secrets.keySet().stream().filter((id) -> !id.equals("badtoken")).toList();
		List<String> messages = new ArrayList<>();
		for (String id : leakingEndpoints) {
			TokenEndpointException failure = call(id);
			assertThat(failure.getError().getErrorCode()).isNotNull();
			messages.add(failure.getMessage());
		}
		String endpoint = new String(this.actuator.get()
			.uri("/actuator/tokenkeeper")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent(), StandardCharsets.UTF_8);
		String logged = output.getAll();
		for (String id : leakingEndpoints) {
			assertThat(logged).contains("Token request for registration '" + id + "' failed");
			assertThat(endpoint).contains("\"" + id + "\"");
		}
		for (String leak : leaks()) {
			assertThat(messages).allSatisfy((message) -> assertThat(message).doesNotContainIgnoringCase(leak));
			assertThat(endpoint).doesNotContainIgnoringCase(leak);
			assertThat(logged).doesNotContainIgnoringCase(leak);
		}
		assertThat(endpoint).contains("lastError").contains("30 bytes of text/plain");
	}

	@Test
	void callWhenAccessTokenIsNotAB64TokenThenInvalidResponseAndNothingIsSentToTheApi() {
		TokenEndpointException failure = call("badtoken");
		this.server.verify(0, anyRequestedFor(urlPathMatching("/badtoken-api/.*")));
		assertThat(failure.getOutcome()).isEqualTo(TokenRequestOutcome.INVALID_RESPONSE);
		assertThat(failure.getMessage()).contains("not an RFC 6750 b64token").doesNotContain("abc def");
	}

	private TokenEndpointException call(String id) {
		Throwable thrown = catchThrowable(() -> this.webClient.post()
			.uri(this.server.baseUrl() + "/" + id + "-api/x")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(20)));
		for (Throwable ex = thrown; ex != null; ex = ex.getCause()) {
			if (ex instanceof TokenEndpointException endpoint) {
				return endpoint;
			}
		}
		throw new AssertionError("expected a TokenEndpointException for " + id, thrown);
	}

	/** Everything that must not be shown, with some of its fragments. */
	private List<String> leaks() {
		List<String> leaks = new ArrayList<>(List.of(PLAIN_TOKEN, PLAIN_TOKEN.substring(0, 12), QUERY_KEY, "key=",
				"tenant", BAD_TOKEN, "abc def"));
		this.secrets.forEach((id, secret) -> {
			String formEncoded = formEncoded(secret);
			leaks.addAll(List.of(secret, "p\u00e4s", "w\"rd", "rd/+", formEncoded.substring(0, 8),
					formEncoded.substring(formEncoded.length() - 8), base64(secret).substring(0, 12),
					base64(secret).substring(8, 20)));
		});
		String basic = base64("basicecho-client:" + formEncoded(secret("basicecho")));
		leaks.add(basic.substring(basic.length() - 20));
		return leaks;
	}

	private void echo(String id, int status, String contentType, String body) {
		this.server.stubFor(post(urlPathEqualTo("/" + id + "/token"))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body)));
	}

	private String secret(String id) {
		return this.secrets.get(id);
	}

	private static String formEncoded(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String base64(String value) {
		return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		// an application's own security: the actuator is open in this test
		@Bean
		SecurityWebFilterChain testSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
