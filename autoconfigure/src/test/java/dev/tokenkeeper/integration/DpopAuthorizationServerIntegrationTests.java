package dev.tokenkeeper.integration;

import org.springframework.util.ReflectionUtils;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import java.lang.reflect.Method;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.dpop.DpopAlgorithm;
import dev.tokenkeeper.dpop.DpopKey;
import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.integration.AuthorizationServerIntegrationTests.ServletSecurityServer;
import dev.tokenkeeper.integration.AuthorizationServerIntegrationTests.TokenKeeperApplication;
import dev.tokenkeeper.test.AutoConfigurationSelection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP end to end against Spring's own verifiers: Spring Authorization Server checks the token
 * request's proof and issues a {@code token_type: DPoP} JWT bound to the key
 * ({@code cnf.jkt}); a Spring Security resource server with DPoP authentication checks every
 * API call's proof (signature, {@code htm}, {@code htu}, {@code iat}, {@code ath}, the key's
 * thumbprint against {@code cnf.jkt}, and {@code jti} replay). Real clocks: both servers
 * judge {@code iat} by their own.
 */
class DpopAuthorizationServerIntegrationTests {

	private static final String SECRET = "dpop+secret/=%";

	private static final String SCOPE = "partner.read";

	@RegisterExtension
	static final AuthorizationServerAndApi servers = AuthorizationServerAndApi.of()
		.client("dpop", "dpop-client", SECRET, "client_secret_basic", SCOPE)
		.resourceServer(DpopResourceServer.class, WebApplicationType.SERVLET, "test.jwk-set-uri");

	private ConfigurableApplicationContext tokenKeeper;

	@BeforeEach
	void startTokenKeeper() {
		servers.counter().reset();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("tokenkeeper.clients.partner.token-uri", servers.issuer() + "/oauth2/token");
		properties.put("tokenkeeper.clients.partner.client-id", "dpop-client");
		properties.put("tokenkeeper.clients.partner.client-secret", SECRET);
		properties.put("tokenkeeper.clients.partner.scopes", SCOPE);
		properties.put("tokenkeeper.clients.partner.base-urls", servers.api());
		properties.put("tokenkeeper.clients.partner.dpop.enabled", "true");
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.tokenKeeperAnd(PropertyPlaceholderAutoConfiguration.class,
						SslAutoConfiguration.class, JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
						HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
						WebClientAutoConfiguration.class));
		this.tokenKeeper = AuthorizationServerAndApi.start(TokenKeeperApplication.class,
				WebApplicationType.NONE, properties);
	}

	@AfterEach
	void stopTokenKeeper() {
		this.tokenKeeper.close();
	}

	@Test
	void callsWhenDpopEnabledThenOneTokenRequestAndEveryCallAcceptedByTheResourceServersDpopVerification() {
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		List<String> answers = Flux.range(0, 20)
			.concatMap((i) -> webClient.get()
				.uri(servers.api() + "/whoami?call=" + i)
				.retrieve()
				.bodyToMono(String.class))
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(answers).hasSize(20).containsOnly("dpop-client DPoP");
		assertThat(servers.counter().count("dpop-client")).isEqualTo(1);
		CachedToken token = this.tokenKeeper.getBean(TokenCache.class).peek("partner");
		assertThat(token.dpop()).isNotNull();
		Jwt jwt = NimbusJwtDecoder.withJwkSetUri(servers.issuer() + "/oauth2/jwks").build().decode(token.value());
		assertThat(jwt.getClaimAsMap("cnf")).containsEntry("jkt", token.dpop().key().thumbprint());
	}

	@Test
	void tokenWhenStolenFromTheWireAndReplayedWithoutTheKeyThenRejected() {
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		assertThat(whoami(webClient)).isEqualTo("dpop-client DPoP");
		String stolen = this.tokenKeeper.getBean(TokenCache.class).peek("partner").value();
		WebClient thief = WebClient.create();
		URI whoami = URI.create(servers.api() + "/whoami");
		// as a bearer token: the resource server sees cnf.jkt and wants a proof
		assertThat(status(thief, "Bearer " + stolen, null)).isEqualTo(HttpStatus.UNAUTHORIZED);
		// as a DPoP token without a proof
		assertThat(status(thief, "DPoP " + stolen, null).is4xxClientError()).isTrue();
		// with a valid proof of the thief's own key: its thumbprint is not the token's jkt
		DpopProofs own = new DpopProofs(DpopKey.generate(DpopAlgorithm.ES256), java.time.Clock.systemUTC());
		assertThat(status(thief, "DPoP " + stolen, own.proof("GET", whoami, stolen))).isEqualTo(HttpStatus.UNAUTHORIZED);
		// while TokenKeeper, holding the key, still gets in with the same token
		assertThat(whoami(webClient)).isEqualTo("dpop-client DPoP");
		assertThat(servers.counter().count("dpop-client")).isEqualTo(1);
	}

	@Test
	void callsWhenRestClientThenAcceptedToo() {
		RestClient restClient = RestClient.builder()
			.requestInterceptor(this.tokenKeeper.getBean(dev.tokenkeeper.web.TokenKeeperClientHttpRequestInterceptor.class))
			.build();
		for (int i = 0; i < 3; i++) {
			assertThat(restClient.get().uri(servers.api() + "/whoami?n=" + i).retrieve().body(String.class))
				.isEqualTo("dpop-client DPoP");
		}
		assertThat(servers.counter().count("dpop-client")).isEqualTo(1);
	}

	private static String whoami(WebClient webClient) {
		return webClient.get()
			.uri(servers.api() + "/whoami")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
	}

	private static HttpStatusCode status(WebClient client, String authorization, String proof) {
		return client.get().uri(servers.api() + "/whoami").headers((headers) -> {
			headers.set(HttpHeaders.AUTHORIZATION, authorization);
			if (proof != null) {
				headers.set("DPoP", proof);
			}
		}).exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode())).block(Duration.ofSeconds(30));
	}

	/**
	 * A servlet resource server with Spring Security 7.1's DPoP authentication
	 * ({@code oauth2ResourceServer(… .dPoP(…))}); answers with the subject and the scheme the
	 * token came with.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@Import(ServletSecurityServer.class)
	static class DpopResourceServer {

		@Bean
		JwtDecoder jwtDecoder(Environment environment) {
			return NimbusJwtDecoder.withJwkSetUri(environment.getRequiredProperty("test.jwk-set-uri")).build();
		}

		@Bean
		SecurityFilterChain apiSecurity(HttpSecurity http) throws Exception {
			return http
				.authorizeHttpRequests((requests) -> requests.requestMatchers("/api/**")
					.hasAuthority("SCOPE_" + SCOPE)
					.anyRequest()
					.denyAll())
				.oauth2ResourceServer((resourceServer) -> withDpop(resourceServer.jwt(Customizer.withDefaults())))
				.csrf(AbstractHttpConfigurer::disable)
				.build();
		}

		/**
		 * Spring Security 7.1 verifies DPoP once {@code dPoP(…)} is called; 7.0 (Boot 4.0)
		 * has no such method and always verifies DPoP proofs.
		 */
		private static OAuth2ResourceServerConfigurer<HttpSecurity> withDpop(
				OAuth2ResourceServerConfigurer<HttpSecurity> resourceServer) {
			Method dPoP = ReflectionUtils.findMethod(OAuth2ResourceServerConfigurer.class, "dPoP", Customizer.class);
			if (dPoP != null) {
				ReflectionUtils.invokeMethod(dPoP, resourceServer, Customizer.withDefaults());
			}
			return resourceServer;
		}

		@Bean
		RouterFunction<ServerResponse> whoami() {
			return RouterFunctions.route()
				.GET("/api/whoami", (request) -> ServerResponse.ok()
					.body(request.principal().map(Principal::getName).orElse("anonymous") + " "
							+ request.headers().firstHeader(HttpHeaders.AUTHORIZATION).split(" ")[0]))
				.build();
		}

	}

}
