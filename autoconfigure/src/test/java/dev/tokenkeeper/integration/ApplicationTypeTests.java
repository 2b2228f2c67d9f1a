package dev.tokenkeeper.integration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.tokenkeeper.client.TokenKeeperAuthorizedClientManager;
import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.OwnEventLoops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * What adding TokenKeeper does to an application's own shape: nothing. A WebFlux app stays
 * open, a plain app starts no web server, and an app's own Spring Security client
 * registrations keep working beside TokenKeeper's.
 * <p>
 * The apps use Boot's full auto-configuration over the test classpath, which carries more
 * than a user's would (Spring Security for the authorization-server tests, servlet and
 * reactive servers); where that extra would change the app, the test says which part it
 * leaves out. The starter's own dependencies are guarded by its enforcer rule.
 */
class ApplicationTypeTests {

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private ConfigurableApplicationContext context;

	@BeforeEach
	void startServer() {
		this.server.start();
		this.server.stubFor(post("/partner/token").willReturn(json(
				"{\"access_token\":\"partner-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(get(urlPathEqualTo("/partner-api/rooms"))
			.withHeader("Authorization", equalTo("Bearer partner-token"))
			.willReturn(aResponse().withBody("rooms")));
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.server.stop();
	}

	@Test
	void webFluxAppWhenNoSecurityConfiguredThenEndpointsStayOpen() {
		Map<String, Object> properties = partnerRegistration();
		// Spring Security is on the test classpath for other tests; a WebFlux app with the
		// starter has none, so Boot's security auto-configurations stay out of this one
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.exclude((candidate) -> candidate.startsWith("org.springframework.boot.security.")));
		this.context = start(WebFluxApplication.class, WebApplicationType.REACTIVE, properties);
		assertThat(this.context).isInstanceOf(ReactiveWebServerApplicationContext.class);
		assertThat(this.context.getBean(ReactiveOAuth2AuthorizedClientManager.class))
			.isInstanceOf(TokenKeeperAuthorizedClientManager.class);
		assertThat(this.context.getBeanNamesForType(SecurityWebFilterChain.class)).isEmpty();
		String app = "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
		ResponseEntity<String> hello = WebClient.create().get().uri(app + "/hello").retrieve().toEntity(String.class)
			.block(Duration.ofSeconds(30));
		assertThat(hello.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(hello.getBody()).isEqualTo("hello");
		assertThat(hello.getHeaders().containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isFalse();
		assertThat(WebClient.create().get().uri(app + "/nothing-here")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode()))
			.block(Duration.ofSeconds(30))).isEqualTo(HttpStatus.NOT_FOUND);
		// and TokenKeeper works in it
		assertThat(partnerCall(this.context)).isEqualTo("rooms");
	}

	@Test
	void plainAppWhenStartedThenNoWebServerAndTokensStillWork() {
		Map<String, Object> properties = partnerRegistration();
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.exclude((candidate) -> candidate.startsWith("org.springframework.boot.security.")));
		this.context = start(PlainApplication.class, WebApplicationType.NONE, properties);
		assertThat(this.context).isNotInstanceOf(WebServerApplicationContext.class);
		assertThat(this.context.getBeanNamesForType(ReactiveWebServerFactory.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ServletWebServerFactory.class)).isEmpty();
		assertThat(partnerCall(this.context)).isEqualTo("rooms");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/partner/token")));
	}

	@Test
	void loginAppWhenOwnRegistrationsConfiguredThenKeptAndServedByStockManager() {
		this.server.stubFor(post("/legacy/token").willReturn(json(
				"{\"access_token\":\"legacy-token\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		this.server.stubFor(get(urlPathEqualTo("/legacy-api/data"))
			.withHeader("Authorization", equalTo("Bearer legacy-token"))
			.willReturn(aResponse().withBody("legacy data")));
		Map<String, Object> properties = partnerRegistration();
		String registration = "spring.security.oauth2.client.registration.";
		properties.put(registration + "github.client-id", "github-client-id");
		properties.put(registration + "github.client-secret", "github-client-secret");
		properties.put(registration + "legacy.client-id", "legacy-client");
		properties.put(registration + "legacy.client-secret", "legacy-secret");
		properties.put(registration + "legacy.authorization-grant-type", "client_credentials");
		properties.put(registration + "legacy.provider", "legacy");
		properties.put("spring.security.oauth2.client.provider.legacy.token-uri", this.server.baseUrl() + "/legacy/token");
		properties.put("legacy-api", this.server.baseUrl() + "/legacy-api/data");
		// legacy stays Spring Security's, as for an app that opted out of the import
		properties.put("tokenkeeper.import-spring-registrations", "false");
		this.context = start(LoginApplication.class, WebApplicationType.REACTIVE, properties);

		ReactiveClientRegistrationRepository registrations = this.context.getBean(ReactiveClientRegistrationRepository.class);
		ClientRegistration github = registrations.findByRegistrationId("github").block(Duration.ofSeconds(5));
		assertThat(github).isNotNull();
		assertThat(github.getAuthorizationGrantType()).isEqualTo(AuthorizationGrantType.AUTHORIZATION_CODE);
		assertThat(registrations.findByRegistrationId("partner").blockOptional(Duration.ofSeconds(5))).isEmpty();
		assertThat(this.context.getBean(ReactiveOAuth2AuthorizedClientManager.class))
			.isInstanceOf(TokenKeeperAuthorizedClientManager.class);

		String app = "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
		ResponseEntity<Void> login = WebClient.create().get().uri(app + "/oauth2/authorization/github").retrieve()
			.toBodilessEntity().block(Duration.ofSeconds(30));
		assertThat(login.getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(login.getHeaders().getLocation()).asString()
			.startsWith("https://github.com/login/oauth/authorize")
			.contains("client_id=github-client-id");

		// the app's own client_credentials registration, through Spring Security's filter and
		// the one manager bean: TokenKeeper's, which hands the id to the stock manager
		String legacy = WebClient.create().get().uri(app + "/public/legacy").retrieve().bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
		assertThat(legacy).isEqualTo("legacy data");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/legacy/token"))
			.withRequestBody(containing("grant_type=client_credentials")));
		this.server.verify(1, getRequestedFor(urlPathEqualTo("/legacy-api/data"))
			.withHeader("Authorization", equalTo("Bearer legacy-token")));

		assertThat(partnerCall(this.context)).isEqualTo("rooms");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/partner/token")));
	}

	private Map<String, Object> partnerRegistration() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("tokenkeeper.clients.partner.token-uri", this.server.baseUrl() + "/partner/token");
		properties.put("tokenkeeper.clients.partner.client-id", "partner-client");
		properties.put("tokenkeeper.clients.partner.client-secret", "partner-secret");
		properties.put("tokenkeeper.clients.partner.base-urls", this.server.baseUrl() + "/partner-api");
		return properties;
	}

	private String partnerCall(ConfigurableApplicationContext context) {
		return context.getBean(WebClient.Builder.class).build().get()
			.uri(this.server.baseUrl() + "/partner-api/rooms")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
		return aResponse().withHeader("Content-Type", "application/json").withBody(body);
	}

	private static ConfigurableApplicationContext start(Class<?> application, WebApplicationType type,
			Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>(properties);
		all.put("spring.config.name", "application-type-tests");
		all.put("server.address", "127.0.0.1");
		all.put("server.port", "0");
		all.put("spring.main.banner-mode", "off");
		return new SpringApplicationBuilder(application).web(type).properties(all).run();
	}

	/** A WebFlux app with one endpoint and no security configuration. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnEventLoops.class)
	static class WebFluxApplication {

		@Bean
		RouterFunction<ServerResponse> hello() {
			return route(GET("/hello"), (request) -> ServerResponse.ok().bodyValue("hello"));
		}

	}

	/** A batch-style app: no endpoints, just outgoing calls. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnEventLoops.class)
	static class PlainApplication {

	}

	/**
	 * A WebFlux app with its own Spring Security: {@code oauth2Login} with GitHub, and a
	 * {@code client_credentials} registration it calls through Spring Security's own filter.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnEventLoops.class)
	static class LoginApplication {

		@Bean
		SecurityWebFilterChain security(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.pathMatchers("/public/**")
				.permitAll()
				.anyExchange()
				.authenticated())
				.oauth2Login(Customizer.withDefaults())
				.build();
		}

		@Bean
		RouterFunction<ServerResponse> legacy(WebClient.Builder builder, ReactiveOAuth2AuthorizedClientManager manager,
				org.springframework.core.env.Environment environment) {
			WebClient webClient = builder.filter(new ServerOAuth2AuthorizedClientExchangeFilterFunction(manager))
				.build();
			String legacyApi = environment.getRequiredProperty("legacy-api");
			return route(GET("/public/legacy"), (request) -> webClient.get()
				.uri(legacyApi)
				.attributes(ServerOAuth2AuthorizedClientExchangeFilterFunction.clientRegistrationId("legacy"))
				.retrieve()
				.bodyToMono(String.class)
				.flatMap((body) -> ServerResponse.ok().bodyValue(body))
				.switchIfEmpty(Mono.defer(() -> ServerResponse.noContent().build())));
		}

	}

}
