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
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRestClientAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.test.DpopStubs;
import dev.tokenkeeper.test.DpopTestKeys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DPoP registration with every logger at TRACE and request details on, through nonce
 * retries from the token endpoint and the API and a 401 replay, on WebClient and RestClient:
 * no token, no proof (nor any of its three parts) and no private key in the output.
 */
@ExtendWith(OutputCaptureExtension.class)
class DpopSecretsNeverLoggedTests {

	private static final List<String> TOKENS = List.of("dpop-token-first-1111", "dpop-token-second-2222");

	private static final String CANARY = "tokenkeeper-dpop-log-capture-canary";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private ConfigurableApplicationContext context;

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void callsWhenEveryLoggerAtTraceThenNoTokenProofOrPrivateKeyInOutput(@TempDir Path dir, CapturedOutput output) {
		KeyPair keyPair = DpopTestKeys.keyPair("P-256");
		String key = DpopTestKeys.write(keyPair, dir.resolve("dpop.pem"));
		this.server.start();
		String base = this.server.baseUrl();
		// the token endpoint wants a nonce first; the first token is refused once by the API
		this.server.stubFor(post("/oauth2/token").inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
			.willReturn(DpopStubs.tokenEndpointNonce("as-nonce")).willSetStateTo("first"));
		this.server.stubFor(post("/oauth2/token").inScenario("tokens").whenScenarioStateIs("first")
			.willReturn(DpopStubs.token(TOKENS.get(0), "DPoP")).willSetStateTo("second"));
		this.server.stubFor(post("/oauth2/token").inScenario("tokens").whenScenarioStateIs("second")
			.willReturn(DpopStubs.token(TOKENS.get(1), "DPoP")));
		this.server.stubFor(any(urlPathMatching("/api/.*")).atPriority(1)
			.withHeader("Authorization", equalTo("DPoP " + TOKENS.get(0)))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "DPoP error=\"invalid_token\"")));
		this.server.stubFor(any(urlPathMatching("/api/.*")).atPriority(2).inScenario("api")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(DpopStubs.apiNonce("rs-nonce"))
			.willSetStateTo("nonce sent"));
		this.server.stubFor(any(urlPathMatching("/api/.*")).atPriority(2).inScenario("api")
			.whenScenarioStateIs("nonce sent")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
		this.context = new SpringApplicationBuilder(LoggingApp.class).web(WebApplicationType.NONE)
			.properties("logging.level.root=TRACE", "logging.level.org.springframework=TRACE",
					"logging.level.reactor.netty=TRACE", "logging.level.io.netty=TRACE",
					"logging.level.dev.tokenkeeper=TRACE", "logging.level.wiremock=OFF",
					"logging.level.WireMock=OFF", "logging.level.com.github.tomakehurst=OFF",
					"spring.http.codecs.log-request-details=true", "spring.http.clients.imperative.factory=jdk",
					"tokenkeeper.clients.partner.token-uri=" + base + "/oauth2/token",
					"tokenkeeper.clients.partner.client-id=partner-client",
					"tokenkeeper.clients.partner.client-secret=partner-secret-value",
					"tokenkeeper.clients.partner.base-urls=" + base + "/api",
					"tokenkeeper.clients.partner.dpop.enabled=true", "tokenkeeper.clients.partner.dpop.key=" + key)
			.run();
		WebClient webClient = this.context.getBean(WebClient.Builder.class).build();
		RestClient restClient = this.context.getBean(RestClient.Builder.class).build();
		for (int i = 0; i < 2; i++) {
			assertThat(webClient.get().uri(base + "/api/rooms?i=" + i).retrieve().bodyToMono(String.class)
				.block(Duration.ofSeconds(30))).contains("ok");
			assertThat(restClient.get().uri(base + "/api/patients").retrieve().body(String.class)).contains("ok");
		}
		LogFactory.getLog("dev.tokenkeeper.canary").trace(CANARY);

		String logged = output.getAll();
		assertThat(logged).as("the capture works").contains(CANARY);
		assertThat(logged).as("TRACE request logging is on").contains("/api/rooms");
		List<String> proofs = new ArrayList<>();
		for (LoggedRequest request : this.server.findAll(anyRequestedFor(anyUrl()))) {
			if (request.containsHeader("DPoP")) {
				proofs.add(request.getHeader("DPoP"));
			}
		}
		assertThat(proofs).as("token requests and API calls carried proofs").hasSizeGreaterThanOrEqualTo(8);
		for (String proof : proofs) {
			for (String part : proof.split("\\.")) {
				// the header part (typ, alg, jwk) is the same in every proof and holds only public
				// values, but it is a proof's part all the same
				assertThat(logged).doesNotContain(part);
			}
		}
		for (String token : TOKENS) {
			assertThat(logged).doesNotContain(token);
		}
		String privateKey = Base64.getEncoder().encodeToString(keyPair.getPrivate().getEncoded());
		for (int i = 0; i + 24 <= privateKey.length(); i += 24) {
			assertThat(logged).doesNotContain(privateKey.substring(i, i + 24));
		}
		assertThat(logged).doesNotContain("partner-secret-value");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, CodecsAutoConfiguration.class, SslAutoConfiguration.class,
			HttpMessageConvertersAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			RestClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
			TokenKeeperWebClientAutoConfiguration.class, TokenKeeperRestClientAutoConfiguration.class })
	static class LoggingApp {

	}

}
