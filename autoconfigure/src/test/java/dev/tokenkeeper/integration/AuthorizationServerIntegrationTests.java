package dev.tokenkeeper.integration;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.Jwts;
import dev.tokenkeeper.test.OwnEventLoops;
import dev.tokenkeeper.test.TestWebClients;
import dev.tokenkeeper.test.TokenRequestCounter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * TokenKeeper against a real Spring Authorization Server and a real Spring Security resource
 * server, each its own application on a loopback port: the {@code basic-form} and
 * {@code post-form} profiles obtain JWTs the resource server verifies against the
 * authorization server's JWK set.
 */
class AuthorizationServerIntegrationTests {

	/** Every character RFC 6749 §2.3.1 makes a Basic client encode; SAS URL-decodes both parts. */
	private static final String BASIC_SECRET = "a+b/c:=%";

	private static final String POST_SECRET = "post+secret/=%";

	private static final String SCOPE = "partner.read";

	@RegisterExtension
	static final AuthorizationServerAndApi servers = AuthorizationServerAndApi.of()
		.client("basic", "basic-client", BASIC_SECRET, "client_secret_basic", SCOPE)
		.client("post", "post-client", POST_SECRET, "client_secret_post", SCOPE);

	private ConfigurableApplicationContext tokenKeeper;

	@BeforeEach
	void startTokenKeeper() {
		servers.counter().reset();
		this.tokenKeeper = startTokenKeeper(BASIC_SECRET);
	}

	@AfterEach
	void stopTokenKeeper() {
		this.tokenKeeper.close();
	}

	@Test
	void callsWhenManyConcurrentThenOneTokenRequestPerRegistrationAndResourceServerAccepts() {
		WebClient webClient = TestWebClients.build(this.tokenKeeper.getBean(WebClient.Builder.class), 400);
		List<String> subjects = Flux.range(0, 400)
			.flatMap((i) -> webClient.get()
				.uri(servers.api() + ((i % 2 == 0) ? "/basic/whoami" : "/post/whoami"))
				.retrieve()
				.bodyToMono(String.class), 400)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(subjects).hasSize(400);
		assertThat(subjects).filteredOn("basic-client"::equals).hasSize(200);
		assertThat(subjects).filteredOn("post-client"::equals).hasSize(200);
		assertThat(servers.counter().counts())
			.containsExactlyInAnyOrderEntriesOf(Map.of("basic-client", 1, "post-client", 1));
	}

	@Test
	void tokensWhenIssuedThenJwtsSignedByTheAuthorizationServer() {
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		for (String area : List.of("/basic/whoami", "/post/whoami")) {
			webClient.get().uri(servers.api() + area).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
		}
		TokenCache tokens = this.tokenKeeper.getBean(TokenCache.class);
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(servers.issuer() + "/oauth2/jwks").build();
		Map.of("basic-form", "basic-client", "post-form", "post-client").forEach((registration, clientId) -> {
			CachedToken token = tokens.peek(registration);
			assertThat(token).as(registration).isNotNull();
			Jwt jwt = decoder.decode(token.value());
			assertThat(jwt.getSubject()).isEqualTo(clientId);
			assertThat(jwt.getIssuer()).hasToString(servers.issuer());
			assertThat(jwt.getClaimAsStringList("scope")).containsExactly(SCOPE);
			// SAS answers expires_in for its 5-minute tokens; TokenKeeper counts from arrival
			assertThat(token.expiresAt()).isCloseTo(jwt.getExpiresAt(), within(5, ChronoUnit.SECONDS));
			assertThat(token.scopes()).containsExactly(SCOPE);
		});
	}

	@Test
	void callWhenNoValidTokenThenResourceServerAnswers401() {
		WebClient plain = WebClient.create();
		assertThat(status(plain.get().uri(servers.api() + "/basic/whoami"))).isEqualTo(HttpStatus.UNAUTHORIZED);
		String forged = Jwts.jwt("{\"sub\":\"basic-client\",\"scope\":\"" + SCOPE + "\",\"exp\":4102444800}");
		assertThat(status(
				plain.get().uri(servers.api() + "/basic/whoami").header(HttpHeaders.AUTHORIZATION, "Bearer " + forged)))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		// TokenKeeper's WebClient sends no token outside the configured base URLs either
		WebClient tokenKeeperClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		assertThat(status(tokenKeeperClient.get().uri(servers.api() + "/other/whoami")))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(servers.counter().counts()).isEmpty();
	}

	@Test
	void callWhenSecretRejectedThenCallerGetsInvalidClientWithoutSecret() {
		this.tokenKeeper.close();
		this.tokenKeeper = startTokenKeeper("not-the-secret");
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		StepVerifier.create(webClient.get().uri(servers.api() + "/basic/whoami").retrieve().bodyToMono(String.class))
			.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("'basic-form'")
				.hasMessageContaining("HTTP 401")
				.hasMessageContaining("invalid_client")
				.hasMessageNotContaining("not-the-secret"))
			.verify(Duration.ofSeconds(30));
		assertThat(servers.counter().count("basic-client")).isEqualTo(1);
	}

	private static HttpStatusCode status(WebClient.RequestHeadersSpec<?> request) {
		return request.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode()))
			.block(Duration.ofSeconds(30));
	}

	private ConfigurableApplicationContext startTokenKeeper(String basicSecret) {
		Map<String, Object> properties = new LinkedHashMap<>();
		String tokenUri = servers.issuer() + "/oauth2/token";
		properties.put("tokenkeeper.clients.basic-form.profile", "basic-form");
		properties.put("tokenkeeper.clients.basic-form.token-uri", tokenUri);
		properties.put("tokenkeeper.clients.basic-form.client-id", "basic-client");
		properties.put("tokenkeeper.clients.basic-form.client-secret", basicSecret);
		properties.put("tokenkeeper.clients.basic-form.scopes", SCOPE);
		properties.put("tokenkeeper.clients.basic-form.base-urls", servers.api() + "/basic");
		properties.put("tokenkeeper.clients.post-form.profile", "post-form");
		properties.put("tokenkeeper.clients.post-form.token-uri", tokenUri);
		properties.put("tokenkeeper.clients.post-form.client-id", "post-client");
		properties.put("tokenkeeper.clients.post-form.client-secret", POST_SECRET);
		properties.put("tokenkeeper.clients.post-form.scopes", SCOPE);
		properties.put("tokenkeeper.clients.post-form.base-urls", servers.api() + "/post");
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.tokenKeeperAnd(PropertyPlaceholderAutoConfiguration.class,
						SslAutoConfiguration.class, JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
						HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
						WebClientAutoConfiguration.class));
		return AuthorizationServerAndApi.start(TokenKeeperApplication.class, WebApplicationType.NONE, properties);
	}

	/** Tomcat, Spring MVC and Spring Security's servlet filter chain, for the servlet servers of these tests. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, TomcatServletWebServerAutoConfiguration.class,
			DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
			HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class,
			SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
			SecurityFilterAutoConfiguration.class })
	static class ServletSecurityServer {

	}

	/** Spring Authorization Server: servlet-only, so an application of its own on Tomcat. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ OAuth2AuthorizationServerAutoConfiguration.class,
			OAuth2AuthorizationServerJwtAutoConfiguration.class })
	@Import(ServletSecurityServer.class)
	static class AuthorizationServer {

		@Bean
		TokenRequestCounter tokenRequestCounter() {
			return new TokenRequestCounter();
		}

		@Bean
		FilterRegistrationBean<TokenRequestCounter> tokenRequestCounterRegistration(TokenRequestCounter counter) {
			FilterRegistrationBean<TokenRequestCounter> registration = new FilterRegistrationBean<>(counter);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

	/** A WebFlux resource server that answers only requests with a valid JWT from that server. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class,
			NettyReactiveWebServerAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
			WebFluxAutoConfiguration.class, CodecsAutoConfiguration.class, JacksonAutoConfiguration.class,
			ReactiveWebSecurityAutoConfiguration.class, ReactiveOAuth2ResourceServerAutoConfiguration.class })
	@Import(OwnEventLoops.class)
	static class ResourceServer {

		@Bean
		SecurityWebFilterChain apiSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.pathMatchers("/api/**")
				.hasAuthority("SCOPE_" + SCOPE)
				.anyExchange()
				.denyAll())
				.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

		/** Answers with the JWT's subject: the client the token was issued to. */
		@Bean
		RouterFunction<ServerResponse> whoami() {
			return route(GET("/api/{area}/whoami"), (request) -> request.principal()
				.flatMap((principal) -> ServerResponse.ok().bodyValue(principal.getName()))
				.switchIfEmpty(Mono.defer(() -> ServerResponse.status(HttpStatus.UNAUTHORIZED).build())));
		}

	}

	/** An application with TokenKeeper's auto-configurations and Boot's {@code WebClient.Builder}. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnEventLoops.class)
	static class TokenKeeperApplication {

	}

}
