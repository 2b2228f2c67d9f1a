package dev.tokenkeeper.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.ClientAttributes;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRestClientAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperServletClientManagerAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperSpringRegistrationsAutoConfiguration;
import dev.tokenkeeper.test.ConnectProxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blocking side at TRACE: RestClient calls with a 401 replay, a registration imported
 * from Spring Security's properties, the servlet manager and a proxy with a password log no
 * secret and no issued token.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestClientSecretsNeverLoggedTests {

	static final String SPRING_SECRET = "spr1ng+/:=%-secret";

	static final String PROXY_PASSWORD = "pr0xy-pass-word";

	static final List<String> TOKENS = List.of("tok-rest-first-1111", "tok-rest-second-2222");

	static final String CANARY = "tokenkeeper-rest-log-capture-canary-91c2";

	final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	final ConnectProxy proxy = new ConnectProxy();

	ConfigurableApplicationContext context;

	@BeforeEach
	void setUp() {
		this.server.start();
		String base = this.server.baseUrl();
		this.server.stubFor(post("/legacy/token").inScenario("legacy")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(token(TOKENS.get(0)))
			.willSetStateTo("second"));
		this.server.stubFor(post("/legacy/token").inScenario("legacy").whenScenarioStateIs("second")
			.willReturn(token(TOKENS.get(1))));
		this.server.stubFor(any(urlPathMatching("/legacy-api/.*")).atPriority(1)
			.withHeader("Authorization", equalTo("Bearer " + TOKENS.get(0)))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		this.server.stubFor(any(urlPathMatching("/legacy-api/.*")).atPriority(2)
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
		String registration = "spring.security.oauth2.client.registration.legacy.";
		this.context = new SpringApplicationBuilder(LoggingApp.class).web(WebApplicationType.NONE)
			// Reactor Netty's factory, as detected before HttpComponents was on the test classpath:
			// HttpComponents logs every request header at DEBUG (org.apache.hc.client5.http.headers)
			.properties("spring.http.clients.imperative.factory=reactor",
					"logging.level.root=TRACE", "logging.level.org.springframework=TRACE",
					"logging.level.reactor.netty=TRACE", "logging.level.io.netty=TRACE",
					"logging.level.dev.tokenkeeper=TRACE", "logging.level.wiremock=OFF",
					"logging.level.WireMock=OFF", "logging.level.com.github.tomakehurst=OFF",
					registration + "client-id=legacy client", registration + "client-secret=" + SPRING_SECRET,
					registration + "authorization-grant-type=client_credentials",
					"spring.security.oauth2.client.provider.legacy.token-uri=" + base + "/legacy/token",
					"tokenkeeper.clients.legacy.base-urls=" + base + "/legacy-api",
					"tokenkeeper.clients.legacy.proxy.host=127.0.0.1",
					"tokenkeeper.clients.legacy.proxy.port=" + this.proxy.port(),
					"tokenkeeper.clients.legacy.proxy.username=proxy-user",
					"tokenkeeper.clients.legacy.proxy.password=" + PROXY_PASSWORD)
			.run();
	}

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
		this.proxy.close();
		this.server.stop();
	}

	@Test
	void callsWhenEveryLoggerAtTraceThenNoSecretOrTokenInOutput(CapturedOutput output) {
		RestClient restClient = this.context.getBean(RestClient.Builder.class).build();
		String base = this.server.baseUrl();
		for (int i = 0; i < 3; i++) {
			assertThat(restClient.post().uri(base + "/legacy-api/claims").contentType(MediaType.APPLICATION_JSON)
				.body("{\"claim\":" + i + "}").retrieve().body(String.class)).contains("ok");
			assertThat(restClient.get().uri(base + "/legacy-api/claims")
				.attributes(ClientAttributes.clientRegistrationId("legacy")).retrieve().body(String.class))
				.contains("ok");
		}
		assertThat(this.context.getBean(OAuth2AuthorizedClientManager.class)
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("legacy").principal("batch").build())
			.getAccessToken()
			.getTokenValue()).isEqualTo(TOKENS.get(1));
		assertThat(this.proxy.connects()).isNotEmpty();
		LogFactory.getLog("dev.tokenkeeper.canary").trace(CANARY);

		String logged = output.getAll();
		assertThat(logged).as("the capture works").contains(CANARY);
		assertThat(logged).as("TRACE request logging is on").contains("/legacy-api/claims");
		for (String secret : List.of(SPRING_SECRET, PROXY_PASSWORD)) {
			assertThat(logged).doesNotContain(secret).doesNotContain(urlEncoded(secret));
		}
		assertThat(logged).doesNotContain(basic("legacy client", SPRING_SECRET))
			.doesNotContain(Base64.getEncoder()
				.encodeToString(("proxy-user:" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8)));
		for (String token : TOKENS) {
			assertThat(logged).doesNotContain(token);
		}
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder token(String value) {
		return aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
	}

	private static String urlEncoded(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String basic(String id, String secret) {
		return Base64.getEncoder()
			.encodeToString((urlEncoded(id) + ":" + urlEncoded(secret)).getBytes(StandardCharsets.UTF_8));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			ReactiveHttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
			RestClientAutoConfiguration.class, TokenKeeperSpringRegistrationsAutoConfiguration.class,
			TokenKeeperAutoConfiguration.class, TokenKeeperRestClientAutoConfiguration.class,
			TokenKeeperServletClientManagerAutoConfiguration.class })
	static class LoggingApp {

	}

}
