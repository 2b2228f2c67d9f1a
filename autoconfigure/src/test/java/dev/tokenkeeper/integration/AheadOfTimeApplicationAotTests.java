package dev.tokenkeeper.integration;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRestClientAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperSpringRegistrationsAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.test.TokenEndpointStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An application context built ahead of time: {@code process-test-aot} generates its bean
 * definitions at build time, and this class runs in a Surefire execution of its own with
 * {@code -Dspring.aot.enabled=true} (the autoconfigure module's pom), so the context starts from
 * the generated code, as an AOT-processed or native application would. TokenKeeper must work
 * there: its WebClient filter and RestClient interceptor send a token, and a Spring-style
 * registration (bound by TokenKeeper's own importer) is served too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class AheadOfTimeApplicationAotTests {

	private static final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	@Autowired
	private ConfigurableApplicationContext context;

	@Autowired
	private WebClient.Builder webClients;

	@Autowired
	private RestClient.Builder restClients;

	@BeforeAll
	static void startServer() {
		server.start();
		TokenEndpointStubs.sequence(server, "/oauth2/token", 300, "token-1");
		TokenEndpointStubs.sequence(server, "/legacy/token", 300, "legacy-token");
		server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("rooms")));
		server.stubFor(get(urlPathEqualTo("/legacy-api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer legacy-token"))
			.willReturn(aResponse().withBody("legacy rooms")));
	}

	@AfterAll
	static void stopServer() {
		server.stop();
	}

	// suppliers: read when the application binds them, after the server started
	@DynamicPropertySource
	static void partner(DynamicPropertyRegistry registry) {
		registry.add("tokenkeeper.clients.partner.token-uri", () -> server.baseUrl() + "/oauth2/token");
		registry.add("tokenkeeper.clients.partner.client-id", () -> "partner-client");
		registry.add("tokenkeeper.clients.partner.client-secret", () -> "partner-secret");
		registry.add("tokenkeeper.clients.partner.base-urls", () -> server.baseUrl() + "/api");
		String legacy = "spring.security.oauth2.client.registration.legacy.";
		registry.add(legacy + "authorization-grant-type", () -> "client_credentials");
		registry.add(legacy + "client-id", () -> "legacy-client");
		registry.add(legacy + "client-secret", () -> "legacy-secret");
		registry.add("spring.security.oauth2.client.provider.legacy.token-uri", () -> server.baseUrl() + "/legacy/token");
		registry.add("tokenkeeper.clients.legacy.base-urls", () -> server.baseUrl() + "/legacy-api");
		registry.add("spring.http.clients.imperative.factory", () -> "jdk");
		registry.add("spring.reactor.netty.shutdown-quiet-period", () -> "50ms");
	}

	@Test
	void contextWhenStartedFromGeneratedCodeThenTokensAreSentByWebClientAndRestClient() {
		// only the aot-tests execution runs this class, unless -Dtest names it for the other one too;
		// under CI=true a run without generated code is a broken build, not a skip
		String reason = "runs from generated code only: the aot-tests execution sets spring.aot.enabled=true";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			assertThat(AotDetector.useGeneratedArtifacts()).as(reason).isTrue();
		}
		assumeTrue(AotDetector.useGeneratedArtifacts(), reason);
		// an AOT bean definition is created by generated code, not by calling the @Bean method reflectively
		RootBeanDefinition registrations = (RootBeanDefinition) this.context.getBeanFactory()
			.getMergedBeanDefinition("tokenKeeperRegistrations");
		assertThat(registrations.getInstanceSupplier()).isNotNull();

		String rooms = this.webClients.build()
			.get()
			.uri(server.baseUrl() + "/api/rooms")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
		assertThat(rooms).isEqualTo("rooms");
		assertThat(this.restClients.build().get().uri(server.baseUrl() + "/api/rooms").retrieve().body(String.class))
			.isEqualTo("rooms");
		assertThat(this.restClients.build()
			.get()
			.uri(server.baseUrl() + "/legacy-api/rooms")
			.retrieve()
			.body(String.class)).isEqualTo("legacy rooms");
		server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		server.verify(1, postRequestedFor(urlPathEqualTo("/legacy/token")));
		server.verify(2, getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer token-1")));
	}

	/** What an application with the starter has: Boot's HTTP clients and TokenKeeper. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			RestClientAutoConfiguration.class, TokenKeeperSpringRegistrationsAutoConfiguration.class,
			TokenKeeperAutoConfiguration.class, TokenKeeperWebClientAutoConfiguration.class,
			TokenKeeperRestClientAutoConfiguration.class })
	static class AheadOfTimeApplication {

	}

}
