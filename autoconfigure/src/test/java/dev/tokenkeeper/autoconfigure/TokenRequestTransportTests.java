package dev.tokenkeeper.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.HttpComponentsClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.JdkClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.JettyClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.token.TokenEndpointException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token endpoint's transport as the auto-configuration wires it: redirects are never
 * followed (whatever the application's connector customizers say), and
 * {@code tokenkeeper.token-request.*} bounds the wait and the body.
 */
class TokenRequestTransportTests {

	private static final Duration BLOCK = Duration.ofSeconds(30);

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	/** Another host: a token endpoint that would issue its own token to whoever posts there. */
	private final WireMockServer other = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		this.other.start();
		TokenEndpointStubs.sequence(this.other, "/oauth2/token", 300, "other-hosts-token");
		this.contextRunner = WebClientContexts.runner(this.clock)
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token"))
			.withPropertyValues("tokenkeeper.retry.max-attempts=1");
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
		this.other.stop();
	}

	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void tokenRequestWhenRedirectedThenNotFollowed(int status) {
		redirectToOtherHost(status);
		this.contextRunner.run((context) -> assertRedirectRefused(context.getBean(TokenCache.class)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "reactor, 302", "reactor, 307", "jdk, 302", "jdk, 307", "jetty, 302", "jetty, 307",
			"http-components, 302", "http-components, 307" })
	void tokenRequestWhenCustomizerFollowsRedirectsThenStillNotFollowed(String connector, int status) {
		// 302 too: HttpComponents' async client never re-sends a streamed body, so only a redirect
		// to a GET shows whether it would follow
		redirectToOtherHost(status);
		this.contextRunner.withPropertyValues("spring.http.clients.reactive.connector=" + connector)
			.withBean("followRedirects", ClientHttpConnectorBuilderCustomizer.class, () -> followingRedirects(connector))
			.run((context) -> assertRedirectRefused(context.getBean(TokenCache.class)));
	}

	@Test
	void tokenRequestWhenConnectorBuilderIsTheApplicationsOwnThenNotFollowed() {
		redirectToOtherHost(307);
		// not one of Boot's builders: TokenKeeper cannot reach its HTTP client, only its settings
		ClientHttpConnectorBuilder<?> own = (settings) -> ClientHttpConnectorBuilder.jdk().build(settings);
		this.contextRunner.withBean(ClientHttpConnectorBuilder.class, () -> own)
			.run((context) -> assertRedirectRefused(context.getBean(TokenCache.class)));
	}

	@Test
	void tokenRequestWhenSlowerThanResponseTimeoutThenFailsWithinIt() {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token"))
			.willReturn(aResponse().withFixedDelay(10_000).withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
				.withBody("{\"access_token\":\"late\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.contextRunner.withPropertyValues("tokenkeeper.token-request.response-timeout=500ms").run((context) -> {
			long start = System.nanoTime();
			assertThatExceptionOfType(TokenEndpointException.class)
				.isThrownBy(() -> context.getBean(TokenCache.class).token("partner").block(BLOCK))
				.withMessageContaining("partner")
				.withMessageContaining("no response");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		});
	}

	@Test
	void tokenRequestWhenConnectionNotAcceptedThenFailsWithinConnectTimeout() throws IOException {
		try (Backlogged backlogged = new Backlogged()) {
			this.contextRunner
				.withPropertyValues(WebClientContexts.registration("partner", backlogged.url() + "/oauth2/token"))
				.withPropertyValues("tokenkeeper.token-request.connect-timeout=300ms",
						"tokenkeeper.token-request.response-timeout=20s")
				.run((context) -> {
					long start = System.nanoTime();
					assertThatExceptionOfType(TokenEndpointException.class)
						.isThrownBy(() -> context.getBean(TokenCache.class).token("partner").block(BLOCK))
						.withMessageContaining("partner")
						.withMessageContaining("ConnectTimeoutException");
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
				});
		}
	}

	@Test
	void tokenRequestWhenBodyLargerThanMaxResponseSizeThenRejected() {
		String padding = "x".repeat(4096);
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token"))
			.willReturn(aResponse().withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
				.withBody("{\"access_token\":\"big-token\",\"token_type\":\"Bearer\",\"expires_in\":300,\"padding\":\""
						+ padding + "\"}")));
		this.contextRunner.withPropertyValues("tokenkeeper.token-request.max-response-size=1KB").run((context) -> {
			assertThatExceptionOfType(TokenEndpointException.class)
				.isThrownBy(() -> context.getBean(TokenCache.class).token("partner").block(BLOCK))
				.withMessageContaining("partner")
				.withMessageContaining("larger than 1024 bytes")
				.withMessageNotContaining("big-token");
		});
	}

	private void redirectToOtherHost(int status) {
		this.server.stubFor(post(urlPathEqualTo("/oauth2/token")).willReturn(
				aResponse().withStatus(status).withHeader(HttpHeaders.LOCATION, this.other.baseUrl() + "/oauth2/token")));
	}

	/** The caller gets a clear error; the secret never reaches the other host, nor its token the cache. */
	private void assertRedirectRefused(TokenCache tokens) {
		assertThatExceptionOfType(TokenEndpointException.class)
			.isThrownBy(() -> tokens.token("partner").block(BLOCK))
			.withMessageContaining("partner")
			.withMessageContaining("redirected; redirects are not followed")
			.withMessageNotContaining("partner-secret");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		this.other.verify(0, anyRequestedFor(anyUrl()));
	}

	/** What an application might add to its connector: follow every redirect. */
	private static ClientHttpConnectorBuilderCustomizer<?> followingRedirects(String connector) {
		return switch (connector) {
			case "reactor" -> (ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder>) (builder) -> builder
				.withHttpClientCustomizer((httpClient) -> httpClient.followRedirect(true));
			case "jdk" -> (ClientHttpConnectorBuilderCustomizer<JdkClientHttpConnectorBuilder>) (builder) -> builder
				.withHttpClientCustomizer((httpClient) -> httpClient.followRedirects(HttpClient.Redirect.ALWAYS));
			case "jetty" -> (ClientHttpConnectorBuilderCustomizer<JettyClientHttpConnectorBuilder>) (builder) -> builder
				.withHttpClientCustomizer((httpClient) -> httpClient.setFollowRedirects(true));
			case "http-components" -> (ClientHttpConnectorBuilderCustomizer<HttpComponentsClientHttpConnectorBuilder>) (
					builder) -> builder
						.withHttpClientCustomizer((httpClient) -> httpClient.setRedirectStrategy(DefaultRedirectStrategy.INSTANCE))
						.withDefaultRequestConfigCustomizer((requestConfig) -> requestConfig.setRedirectsEnabled(true));
			default -> throw new IllegalArgumentException(connector);
		};
	}

	/**
	 * A port whose accept queue is full: the kernel drops further connection attempts, so a
	 * connect waits until the client gives up.
	 */
	private static final class Backlogged implements AutoCloseable {

		private final ServerSocket server;

		private final List<Socket> queued = new ArrayList<>();

		Backlogged() throws IOException {
			this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
			for (int i = 0; i < 8; i++) {
				Socket socket = new Socket();
				try {
					socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.server.getLocalPort()), 200);
					this.queued.add(socket);
				}
				catch (IOException ex) {
					socket.close();
					break;
				}
			}
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getLocalPort();
		}

		@Override
		public void close() throws IOException {
			for (Socket socket : this.queued) {
				socket.close();
			}
			this.server.close();
		}

	}

}
