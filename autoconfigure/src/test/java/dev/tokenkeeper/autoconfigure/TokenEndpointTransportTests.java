package dev.tokenkeeper.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.ConnectProxy;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.RestClientContexts;
import dev.tokenkeeper.test.SelfSignedCertificate;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A registration's own way to its token endpoint: an SSL bundle that trusts a self-signed
 * certificate, and an HTTP proxy.
 */
class TokenEndpointTransportTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private static final String PROXY_PASSWORD = "pr0xy-DO-NOT-PRINT";

	@TempDir
	static Path directory;

	private static SelfSignedCertificate certificate;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private WireMockServer server;

	private ApplicationContextRunner contextRunner;

	@BeforeAll
	static void generateCertificate() {
		certificate = SelfSignedCertificate.generate(directory);
	}

	@BeforeEach
	void setUp() {
		this.server = new WireMockServer(WireMockConfiguration.options()
			.dynamicPort()
			.dynamicHttpsPort()
			.keystorePath(certificate.keyStore().toString())
			.keystoreType("PKCS12")
			.keystorePassword(certificate.password())
			.keyManagerPassword(certificate.password()));
		this.server.start();
		this.contextRunner = RestClientContexts.runner(this.clock)
			.withPropertyValues("tokenkeeper.clients.partner.client-id=partner-client",
					"tokenkeeper.clients.partner.client-secret=partner-secret",
					"tokenkeeper.clients.partner.base-urls=" + http() + "/api",
					"tokenkeeper.retry.max-attempts=1",
					"spring.ssl.bundle.pem.partner-tls.truststore.certificate=file:" + certificate.certificate());
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader(HttpHeaders.AUTHORIZATION,
				equalTo("Bearer token-1")).willReturn(aResponse().withBody("rooms")));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void tokenRequestWhenSslBundleTrustsSelfSignedCertificateThenTokenOverHttps() {
		this.contextRunner.withPropertyValues(httpsTokenUri(), "tokenkeeper.clients.partner.ssl-bundle=partner-tls")
			.run((context) -> {
				assertThat(rooms(context.getBean(RestClient.Builder.class).build())).isEqualTo("rooms");
				this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
			});
	}

	@Test
	void tokenRequestWhenNoSslBundleThenSelfSignedCertificateIsRefused() {
		this.contextRunner.withPropertyValues(httpsTokenUri()).run((context) -> {
			assertThatExceptionOfType(TokenEndpointException.class)
				.isThrownBy(() -> context.getBean(TokenCache.class).token("partner").block(BLOCK))
				.withMessageContaining("partner");
			this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		});
	}

	@Test
	void contextWhenSslBundleUnknownThenFailureNamesTheProperty() {
		this.contextRunner.withPropertyValues(httpsTokenUri(), "tokenkeeper.clients.partner.ssl-bundle=nope")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidTokenKeeperConfigurationException.class)
				.hasMessageContaining("tokenkeeper.clients.partner.ssl-bundle")
				.hasMessageContaining("nope"));
	}

	@Test
	void tokenRequestWhenProxyConfiguredThenTunnelledThroughItWithProxyCredentials() {
		try (ConnectProxy proxy = new ConnectProxy()) {
			this.contextRunner.withPropertyValues(httpTokenUri(), "tokenkeeper.clients.partner.proxy.host=127.0.0.1",
					"tokenkeeper.clients.partner.proxy.port=" + proxy.port(),
					"tokenkeeper.clients.partner.proxy.username=proxy-user",
					"tokenkeeper.clients.partner.proxy.password=" + PROXY_PASSWORD)
				.run((context) -> {
					assertThat(rooms(context.getBean(RestClient.Builder.class).build())).isEqualTo("rooms");
					this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
					assertThat(proxy.connects()).singleElement().satisfies((connect) -> {
						assertThat(connect.target()).isEqualTo("localhost:" + this.server.port());
						assertThat(connect.proxyAuthorization()).isEqualTo("Basic " + Base64.getEncoder()
							.encodeToString(("proxy-user:" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8)));
					});
				});
		}
	}

	@Test
	void tokenRequestWhenProxyDownThenFailsWithoutShowingThePassword() {
		int closedPort;
		try (ConnectProxy proxy = new ConnectProxy()) {
			closedPort = proxy.port();
		}
		this.contextRunner.withPropertyValues(httpTokenUri(), "tokenkeeper.clients.partner.proxy.host=127.0.0.1",
				"tokenkeeper.clients.partner.proxy.port=" + closedPort,
				"tokenkeeper.clients.partner.proxy.username=proxy-user",
				"tokenkeeper.clients.partner.proxy.password=" + PROXY_PASSWORD)
			.run((context) -> {
				assertThatExceptionOfType(TokenEndpointException.class)
					.isThrownBy(() -> context.getBean(TokenCache.class).token("partner").block(BLOCK))
					.withMessageNotContaining(PROXY_PASSWORD);
				this.server.verify(0, postRequestedFor(urlPathEqualTo("/oauth2/token")));
				assertThat(context.getBean(TokenKeeperProperties.class).getClients().get("partner").getProxy())
					.asString()
					.doesNotContain(PROXY_PASSWORD);
			});
	}

	@Test
	void otherRegistrationsWhenOneHasAProxyThenGoDirect() {
		TokenEndpointStubs.sequence(this.server, "/direct/token", 300, "direct-token");
		try (ConnectProxy proxy = new ConnectProxy()) {
			this.contextRunner.withPropertyValues(httpTokenUri(), "tokenkeeper.clients.partner.proxy.host=127.0.0.1",
					"tokenkeeper.clients.partner.proxy.port=" + proxy.port(),
					"tokenkeeper.clients.direct.token-uri=" + http() + "/direct/token",
					"tokenkeeper.clients.direct.client-id=direct-client",
					"tokenkeeper.clients.direct.client-secret=direct-secret")
				.run((context) -> {
					assertThat(context.getBean(TokenCache.class).token("direct").block(BLOCK).value())
						.isEqualTo("direct-token");
					assertThat(proxy.connects()).isEmpty();
					assertThat(context.getBean(TokenCache.class).token("partner").block(BLOCK).value())
						.isEqualTo("token-1");
					assertThat(proxy.connects()).hasSize(1);
				});
		}
	}

	@Test
	void contextWhenProxyWithoutPortThenFailureNamesTheProperty() {
		this.contextRunner.withPropertyValues(httpTokenUri(), "tokenkeeper.clients.partner.proxy.host=proxy.example")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidTokenKeeperConfigurationException.class)
				.hasMessageContaining("tokenkeeper.clients.partner.proxy.port"));
	}

	@Test
	void contextWhenProxyAndConnectorIsNotReactorNettyThenFailureSaysWhereToConfigureIt() {
		this.contextRunner.withBean(ClientHttpConnectorBuilder.class, ClientHttpConnectorBuilder::jdk)
			.withPropertyValues(httpTokenUri(), "tokenkeeper.clients.partner.proxy.host=proxy.example",
					"tokenkeeper.clients.partner.proxy.port=3128")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidTokenKeeperConfigurationException.class)
				.hasMessageContaining("tokenkeeper.clients.partner.proxy.host")
				.hasMessageContaining("Reactor Netty"));
	}

	/** WireMock's base URL is its https one once https is on. */
	private String http() {
		return "http://localhost:" + this.server.port();
	}

	private String httpsTokenUri() {
		return "tokenkeeper.clients.partner.token-uri=https://localhost:" + this.server.httpsPort() + "/oauth2/token";
	}

	private String httpTokenUri() {
		return "tokenkeeper.clients.partner.token-uri=" + http() + "/oauth2/token";
	}

	private String rooms(RestClient restClient) {
		return restClient.get().uri(http() + "/api/rooms").retrieve().body(String.class);
	}

}
