package dev.tokenkeeper.autoconfigure;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.test.TokenEndpointStubs;
import dev.tokenkeeper.test.WebClientContexts;
import dev.tokenkeeper.web.TokenKeeperClientHttpRequestInterceptor;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the blocking side's beans exist: Spring Boot's RestClient module is optional, and
 * {@code tokenkeeper.enabled=false} leaves RestClients and Spring Security alone.
 */
class TokenKeeperRestClientAutoConfigurationTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.server.start();
		TokenEndpointStubs.sequence(this.server, "/oauth2/token", 300, "token-1");
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer token-1"))
			.willReturn(aResponse().withBody("ok")));
		// no RestClientAutoConfiguration: as without spring-boot-restclient
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class,
					TokenKeeperAutoConfiguration.class, TokenKeeperRestClientAutoConfiguration.class,
					TokenKeeperServletClientManagerAutoConfiguration.class))
			.withPropertyValues(WebClientContexts.registration("partner", this.server.baseUrl() + "/oauth2/token",
					this.server.baseUrl() + "/api"));
	}

	@AfterEach
	void tearDown() {
		this.server.stop();
	}

	@Test
	void contextWhenSpringBootRestClientModuleAbsentThenInterceptorBeanServesHandBuiltClients() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.restclient"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
				RestClient restClient = RestClient.builder()
					.requestInterceptor(context.getBean(TokenKeeperClientHttpRequestInterceptor.class))
					.build();
				assertThat(restClient.get().uri(this.server.baseUrl() + "/api/rooms").retrieve().body(String.class))
					.isEqualTo("ok");
			});
	}

	@Test
	void contextWhenTokenKeeperDisabledThenNoInterceptorCustomizerOrManager() {
		this.contextRunner.withPropertyValues("tokenkeeper.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TokenKeeperClientHttpRequestInterceptor.class);
			assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
			assertThat(context).doesNotHaveBean(OAuth2AuthorizedClientManager.class);
		});
	}

}
