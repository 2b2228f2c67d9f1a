package dev.tokenkeeper.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.ClientAttributes;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.client.TokenKeeperServletAuthorizedClientManager;
import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.OwnEventLoops;
import dev.tokenkeeper.test.TokenEndpointStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servlet applications configured the Spring Security way: a {@code client_credentials}
 * registration under {@code spring.security.oauth2.client.registration} that TokenKeeper now
 * serves, and {@code oauth2Login} beside TokenKeeper's registrations. Who may call the
 * application stays what it was without the starter.
 */
class ServletSecurityApplicationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private ConfigurableApplicationContext context;

	@BeforeEach
	void startServer() {
		this.server.start();
		TokenEndpointStubs.sequence(this.server, "/legacy/token", 300, "legacy-token");
		TokenEndpointStubs.sequence(this.server, "/partner/token", 300, "partner-token");
		this.server.stubFor(get(urlPathEqualTo("/legacy-api/data"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer legacy-token"))
			.willReturn(aResponse().withBody("legacy data")));
		this.server.stubFor(get(urlPathEqualTo("/partner-api/rooms"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo("Bearer partner-token"))
			.willReturn(aResponse().withBody("rooms")));
	}

	@AfterEach
	void stop() {
		closeApp();
		this.server.stop();
	}

	@Test
	void springStyleRegistrationWhenAppHasNoSecurityThenServedByTokenKeeperAndEndpointsStayOpen() throws Exception {
		Map<String, Object> properties = legacyRegistration();
		// the app has the starter, not Spring Boot's security: its security auto-configuration stays out
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.exclude((candidate) -> candidate.startsWith("org.springframework.boot.security.")));
		this.context = start(OpenApplication.class, properties);
		assertThat(this.context.getBeanNamesForType(SecurityFilterChain.class)).isEmpty();
		HttpResponse<String> hello = appGet("/hello");
		assertThat(hello.statusCode()).isEqualTo(200);
		assertThat(hello.body()).isEqualTo("hello");
		assertThat(hello.headers().firstValue(HttpHeaders.WWW_AUTHENTICATE)).isEmpty();
		for (int i = 0; i < 3; i++) {
			assertThat(appGet("/legacy").body()).isEqualTo("legacy data");
		}
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/legacy/token"))
			.withHeader(HttpHeaders.AUTHORIZATION, equalTo(basic("legacy-client", "legacy-secret"))));
		this.server.verify(3, getRequestedFor(urlPathEqualTo("/legacy-api/data")));
	}

	@Test
	void securedAppWhenStarterAddedThenTheSameRequestsAreAllowedAndRefused() throws Exception {
		Map<String, Object> properties = legacyRegistration();
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY, clientSideSecurityOnly());
		Map<String, Integer> without = new LinkedHashMap<>();
		properties.put("tokenkeeper.enabled", "false");
		this.context = start(SecuredApplication.class, properties);
		for (String path : new String[] { "/public/hello", "/private", "/oauth2/authorization/legacy" }) {
			without.put(path, appGet(path).statusCode());
		}
		closeApp();

		properties.put("tokenkeeper.enabled", "true");
		this.context = start(SecuredApplication.class, properties);
		Map<String, Integer> with = new LinkedHashMap<>();
		for (String path : without.keySet()) {
			with.put(path, appGet(path).statusCode());
		}
		assertThat(with).isEqualTo(without);
		assertThat(with).containsEntry("/public/hello", 200).containsEntry("/private", 401);
		// and the registration Spring Boot also made is served by TokenKeeper's cache
		assertThat(appGet("/public/legacy").body()).isEqualTo("legacy data");
		assertThat(appGet("/public/legacy").body()).isEqualTo("legacy data");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/legacy/token")));
	}

	@Test
	void loginAppWhenOauth2LoginBesideTokenKeeperThenLoginRedirectsAndTokenKeeperIdsGetCachedTokens()
			throws Exception {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(REGISTRATION + "github.client-id", "github-client-id");
		properties.put(REGISTRATION + "github.client-secret", "github-client-secret");
		properties.put("tokenkeeper.clients.partner.token-uri", this.server.baseUrl() + "/partner/token");
		properties.put("tokenkeeper.clients.partner.client-id", "partner-client");
		properties.put("tokenkeeper.clients.partner.client-secret", "partner-secret");
		properties.put("tokenkeeper.clients.partner.base-urls", this.server.baseUrl() + "/partner-api");
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY, clientSideSecurityOnly());
		this.context = start(LoginApplication.class, properties);

		ClientRegistration github = this.context.getBean(ClientRegistrationRepository.class)
			.findByRegistrationId("github");
		assertThat(github.getAuthorizationGrantType()).isEqualTo(AuthorizationGrantType.AUTHORIZATION_CODE);
		assertThat(this.context.getBean(ClientRegistrationRepository.class).findByRegistrationId("partner")).isNull();
		assertThat(this.context.getBean(OAuth2AuthorizedClientManager.class))
			.isInstanceOf(TokenKeeperServletAuthorizedClientManager.class);

		HttpResponse<String> login = appGet("/oauth2/authorization/github");
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue(HttpHeaders.LOCATION)).get()
			.asString()
			.startsWith("https://github.com/login/oauth/authorize")
			.contains("client_id=github-client-id");
		// one login registration: a protected page sends the user straight to it
		HttpResponse<String> secured = appGet("/private");
		assertThat(secured.statusCode()).isEqualTo(302);
		assertThat(secured.headers().firstValue(HttpHeaders.LOCATION)).get()
			.asString()
			.endsWith("/oauth2/authorization/github");

		assertThat(appGet("/public/rooms").body()).isEqualTo("rooms");
		assertThat(appGet("/public/rooms").body()).isEqualTo("rooms");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/partner/token")));
		this.server.verify(2, getRequestedFor(urlPathEqualTo("/partner-api/rooms")));
	}

	private Map<String, Object> legacyRegistration() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(REGISTRATION + "legacy.client-id", "legacy-client");
		properties.put(REGISTRATION + "legacy.client-secret", "legacy-secret");
		properties.put(REGISTRATION + "legacy.authorization-grant-type", "client_credentials");
		properties.put(REGISTRATION + "legacy.client-authentication-method", "client_secret_basic");
		properties.put("spring.security.oauth2.client.provider.legacy.token-uri",
				this.server.baseUrl() + "/legacy/token");
		properties.put("legacy-api", this.server.baseUrl() + "/legacy-api/data");
		return properties;
	}

	/** The test classpath also holds an authorization and a resource server; these apps are clients. */
	private static String clientSideSecurityOnly() {
		return AutoConfigurationSelection
			.exclude((candidate) -> candidate.startsWith("org.springframework.boot.security.oauth2.server."));
	}

	private static String basic(String clientId, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	private HttpResponse<String> appGet(String path) throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void closeApp() {
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
	}

	private static ConfigurableApplicationContext start(Class<?> application, Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>(properties);
		all.put("spring.config.name", "servlet-security-application-tests");
		all.put("server.address", "127.0.0.1");
		all.put("server.port", "0");
		all.put("spring.main.banner-mode", "off");
		return new SpringApplicationBuilder(application).web(WebApplicationType.SERVLET).properties(all).run();
	}

	@RestController
	static class Endpoints {

		private final RestClient restClient;

		private final Environment environment;

		Endpoints(RestClient.Builder builder, Environment environment) {
			this.restClient = builder.build();
			this.environment = environment;
		}

		@GetMapping({ "/hello", "/public/hello" })
		String hello() {
			return "hello";
		}

		@GetMapping("/private")
		String secret() {
			return "private";
		}

		@GetMapping({ "/legacy", "/public/legacy" })
		String legacy() {
			// the Spring Security way of naming a registration
			return this.restClient.get()
				.uri(this.environment.getRequiredProperty("legacy-api"))
				.attributes(ClientAttributes.clientRegistrationId("legacy"))
				.retrieve()
				.body(String.class);
		}

		@GetMapping("/public/rooms")
		String rooms() {
			return this.restClient.get()
				.uri(this.environment.getRequiredProperty("tokenkeeper.clients.partner.base-urls") + "/rooms")
				.retrieve()
				.body(String.class);
		}

	}

	/** A servlet app without Spring Security. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ OwnEventLoops.class, Endpoints.class })
	static class OpenApplication {

	}

	/** A servlet app with its own rules: {@code /public/**} open, the rest needs HTTP Basic. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ OwnEventLoops.class, Endpoints.class })
	static class SecuredApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/public/**")
				.permitAll()
				.anyRequest()
				.authenticated()).httpBasic(Customizer.withDefaults()).build();
		}

	}

	/** A servlet app with {@code oauth2Login}. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ OwnEventLoops.class, Endpoints.class })
	static class LoginApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/public/**")
				.permitAll()
				.anyRequest()
				.authenticated()).oauth2Login(Customizer.withDefaults()).build();
		}

	}

}
