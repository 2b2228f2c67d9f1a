package dev.tokenkeeper.web;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.test.TokenEndpointStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bearer token stays out of Spring's WebClient request logging, which prints every
 * header at TRACE when {@code spring.http.codecs.log-request-details=true}.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenKeeperRequestLoggingTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private static final String TOKEN_ONE = "tk-first-7f3c9a1e5b";

	private static final String TOKEN_TWO = "tk-second-2d8e6b4f0a";

	private static final String CLIENT_SECRET = "s3cr3t-9q8w7e6r";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	@BeforeEach
	void setUp() {
		this.server.start();
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, TOKEN_ONE, TOKEN_TWO);
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer " + TOKEN_ONE))
			.willReturn(aResponse().withBody("ok")));
		this.server.stubFor(get(urlPathEqualTo("/api/stale")).withHeader("Authorization", equalTo("Bearer " + TOKEN_ONE))
			.willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
		this.server.stubFor(get(urlPathEqualTo("/api/stale")).withHeader("Authorization", equalTo("Bearer " + TOKEN_TWO))
			.willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void callWhenRequestDetailsLoggedAtTraceThenHeadersLoggedButNoToken(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run(
				"--spring.http.codecs.log-request-details=true",
				"--logging.level.org.springframework.web.reactive.function.client=TRACE",
				"--logging.level.org.springframework.http=TRACE", "--logging.level.dev.tokenkeeper=TRACE",
				"--tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/oauth2/token",
				"--tokenkeeper.clients.partner.client-id=partner-client",
				"--tokenkeeper.clients.partner.client-secret=" + CLIENT_SECRET,
				"--tokenkeeper.clients.partner.base-urls=" + this.server.baseUrl() + "/api")) {
			WebClient webClient = context.getBean(WebClient.Builder.class).build();
			assertThat(call(webClient, "/api/rooms")).isEqualTo("ok");
			// a 401 and its replay: two more logged requests, with both tokens in play
			assertThat(call(webClient, "/api/stale")).isEqualTo("ok");
		}
		this.server.verify(getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader("Authorization",
				equalTo("Bearer " + TOKEN_ONE)));
		this.server.verify(getRequestedFor(urlPathEqualTo("/api/stale")).withHeader("Authorization",
				equalTo("Bearer " + TOKEN_TWO)));
		assertThat(output).contains("HTTP GET " + this.server.baseUrl() + "/api/rooms, headers=")
			.contains("X-Request-Name:\"rooms\"")
			.contains("Response 401 UNAUTHORIZED, headers=")
			.doesNotContain(TOKEN_ONE)
			.doesNotContain(TOKEN_TWO)
			.doesNotContain(CLIENT_SECRET)
			.doesNotContainIgnoringCase("bearer tk-");
	}

	private String call(WebClient webClient, String path) {
		return webClient.get()
			.uri(this.server.baseUrl() + path)
			.header("X-Request-Name", path.substring(path.lastIndexOf('/') + 1))
			.retrieve()
			.bodyToMono(String.class)
			.block(BLOCK);
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(LoggingConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(java.util.Map.of("spring.main.banner-mode", "off",
				"spring.reactor.netty.shutdown-quiet-period", "50ms"));
		return application;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ CodecsAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
			WebClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
			TokenKeeperWebClientAutoConfiguration.class })
	static class LoggingConfiguration {

	}

}
