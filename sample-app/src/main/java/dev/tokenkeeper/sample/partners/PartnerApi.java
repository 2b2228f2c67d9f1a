package dev.tokenkeeper.sample.partners;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The partner's API: a WebFlux resource server that answers only requests bearing a JWT
 * signed by the partner authorization server (checked against its JWK set, issuer and the
 * {@code partner.read} scope). Configured from {@code partner-api.yml}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, NettyReactiveWebServerAutoConfiguration.class,
		HttpHandlerAutoConfiguration.class, WebFluxAutoConfiguration.class, ErrorWebFluxAutoConfiguration.class,
		CodecsAutoConfiguration.class, JacksonAutoConfiguration.class, ReactiveWebSecurityAutoConfiguration.class,
		ReactiveOAuth2ResourceServerAutoConfiguration.class })
public class PartnerApi {

	/** The name of its configuration file, {@code partner-api.yml}. */
	static final String CONFIG_NAME = "partner-api";

	@Bean
	SecurityWebFilterChain partnerApiSecurity(ServerHttpSecurity http) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().hasAuthority("SCOPE_partner.read"))
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.build();
	}

	/** {@code GET /{area}/rooms}: a little data, and which client the token was issued to. */
	@Bean
	RouterFunction<ServerResponse> rooms() {
		return route(GET("/{area}/rooms"), (request) -> request.principal()
			.flatMap((principal) -> ServerResponse.ok()
				.bodyValue(Map.of("client", principal.getName(), "rooms", List.of("Ada", "Grace", "Hopper")))));
	}

	/**
	 * Event loops of its own: Reactor Netty's global ones belong to the sample app, which
	 * disposes of them when it stops.
	 */
	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.setShutdownQuietPeriod(Duration.ZERO);
		return resources;
	}

}
