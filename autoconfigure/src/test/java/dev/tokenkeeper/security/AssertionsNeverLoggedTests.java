package dev.tokenkeeper.security;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.assertion.PublishedJwkSet;
import dev.tokenkeeper.autoconfigure.TokenKeeperRegistrations;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.test.FormBodies;
import dev.tokenkeeper.test.TestKeys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With every logger at TRACE, JWT client authentication logs no assertion, no key and no
 * token, also when the token endpoint fails first and echoes what it was sent; the
 * registrations' {@code toString()} shows no key material either.
 */
@ExtendWith(OutputCaptureExtension.class)
class AssertionsNeverLoggedTests {

	private static final String HMAC_SECRET = "hmac-secret-DO-NOT-LOG-0123456789abcdef";

	private static final List<String> TOKENS = List.of("tok-private-key-jwt-4444", "tok-client-secret-jwt-5555");

	private static final KeyPair RSA = TestKeys.rsa(2048);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	@TempDir
	Path directory;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void setUp() {
		this.server.start();
		String base = this.server.baseUrl();
		// each endpoint first answers 503 with the request body echoed, then a token
		for (int i = 0; i < 2; i++) {
			String path = "/token" + i;
			this.server.stubFor(post(path).inScenario(path)
				.whenScenarioStateIs(Scenario.STARTED)
				.willReturn(aResponse().withStatus(503).withBody("{{request.body}}").withTransformers("response-template"))
				.willSetStateTo("up"));
			this.server.stubFor(post(path).inScenario(path).whenScenarioStateIs("up")
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"access_token\":\"" + TOKENS.get(i) + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		}
		this.server.stubFor(any(urlPathMatching("/api/.*"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
		Path key = TestKeys.write(this.directory.resolve("key.pem"), TestKeys.pkcs8(RSA));
		this.context = new SpringApplicationBuilder(SecretsNeverLoggedTests.LoggingApp.class)
			.web(WebApplicationType.NONE)
			.properties("logging.level.root=TRACE", "logging.level.org.springframework=TRACE",
					"logging.level.reactor.netty=TRACE", "logging.level.io.netty=TRACE",
					"logging.level.dev.tokenkeeper=TRACE", "logging.level.wiremock=OFF",
					"logging.level.WireMock=OFF", "logging.level.com.github.tomakehurst=OFF",
					"spring.http.codecs.log-request-details=true", "tokenkeeper.retry.initial-backoff=1ms",
					"tokenkeeper.clients.pkjwt.profile=post-form",
					"tokenkeeper.clients.pkjwt.client-authentication=private-key-jwt",
					"tokenkeeper.clients.pkjwt.token-uri=" + base + "/token0",
					"tokenkeeper.clients.pkjwt.client-id=pkjwt-client",
					"tokenkeeper.clients.pkjwt.jwt.signing-key=file:" + key,
					"tokenkeeper.clients.pkjwt.base-urls=" + base + "/api/pkjwt",
					"tokenkeeper.clients.csjwt.client-authentication=client-secret-jwt",
					"tokenkeeper.clients.csjwt.token-uri=" + base + "/token1",
					"tokenkeeper.clients.csjwt.client-id=csjwt-client",
					"tokenkeeper.clients.csjwt.client-secret=" + HMAC_SECRET,
					"tokenkeeper.clients.csjwt.base-urls=" + base + "/api/csjwt")
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
	void callsWhenEveryLoggerAtTraceThenNoAssertionKeyOrTokenInOutput(CapturedOutput output) {
		WebClient webClient = this.context.getBean(WebClient.Builder.class).build();
		for (String registration : List.of("pkjwt", "csjwt")) {
			for (int i = 0; i < 3; i++) {
				assertThat(webClient.get().uri(this.server.baseUrl() + "/api/" + registration + "/x").retrieve()
					.bodyToMono(String.class).block(Duration.ofSeconds(10))).contains("ok");
			}
		}
		List<String> assertions = new ArrayList<>();
		for (String path : List.of("/token0", "/token1")) {
			List<LoggedRequest> requests = this.server.findAll(postRequestedFor(urlPathEqualTo(path)));
			assertThat(requests).as("a 503, then the token").hasSize(2);
			requests.forEach((request) -> assertions.add(FormBodies.fields(request).get("client_assertion")));
		}
		String logged = output.getAll();
		assertThat(logged).as("TRACE request logging is on").contains("/api/pkjwt/x");
		for (String assertion : assertions) {
			assertThat(assertion).isNotNull();
			// nor any of its three parts, the signature above all
			for (String part : assertion.split("\\.")) {
				assertThat(logged).doesNotContain(part);
			}
		}
		assertNoKeyMaterial(logged);
		assertThat(logged).doesNotContain(HMAC_SECRET);
		TOKENS.forEach((token) -> assertThat(logged).doesNotContain(token));
	}

	@Test
	void toStringWhenRegistrationsAndJwkSetThenNoKeyMaterial() {
		TokenKeeperRegistrations registrations = this.context.getBean(TokenKeeperRegistrations.class);
		StringBuilder shown = new StringBuilder(registrations.signingKeys().toString());
		for (TokenRegistration registration : registrations.registrations()) {
			shown.append(registration).append(registration.credentials().get());
			if (registration.credentials().get().assertions() != null) {
				shown.append(registration.credentials().get().assertions());
			}
		}
		shown.append(new PublishedJwkSet(registrations.signingKeys().values(), Duration.ofHours(1)));
		assertThat(shown).contains("pkjwt").contains("csjwt");
		assertNoKeyMaterial(shown.toString());
		assertThat(shown.toString()).doesNotContain(HMAC_SECRET);
	}

	private static void assertNoKeyMaterial(String text) {
		String base64 = Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded());
		for (int i = 0; i + 16 <= base64.length(); i += 16) {
			assertThat(text).doesNotContain(base64.substring(i, i + 16));
		}
		String privateExponent = ((java.security.interfaces.RSAPrivateKey) RSA.getPrivate()).getPrivateExponent()
			.toString(16);
		assertThat(text).doesNotContain(privateExponent.substring(0, 32));
	}

}
