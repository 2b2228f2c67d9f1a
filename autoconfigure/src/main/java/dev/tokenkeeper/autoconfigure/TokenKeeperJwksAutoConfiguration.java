package dev.tokenkeeper.autoconfigure;

import java.util.Collection;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;

import dev.tokenkeeper.assertion.PublishedJwkSet;
import dev.tokenkeeper.assertion.SigningKeys;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the JWK Set of the {@code private-key-jwt} registrations' public keys, served at
 * {@code tokenkeeper.jwks.path} (off unless set) by WebFlux and by servlet applications, as
 * a functional route so that it needs no controller scanning. Applications secured by
 * Spring Security must permit that path: a provider fetches it without credentials.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class)
@ConditionalOnBean(TokenKeeperRegistrations.class)
@ConditionalOnProperty("tokenkeeper.jwks.path")
public final class TokenKeeperJwksAutoConfiguration {

	private static final MediaType JWK_SET = MediaType.parseMediaType(PublishedJwkSet.MEDIA_TYPE);

	@Bean
	@ConditionalOnMissingBean
	PublishedJwkSet tokenKeeperJwkSet(TokenKeeperRegistrations registrations, TokenKeeperProperties properties,
			ObjectProvider<RuntimeClients> clients) {
		// the clients there are now, those registered at run time too; without TokenKeeper's
		// tokenKeeperClients bean, the configured ones
		RuntimeClients runtime = clients.getIfAvailable();
		Supplier<Collection<SigningKeys>> keys = (runtime != null) ? runtime::signingKeys
				: () -> registrations.signingKeys().values();
		return new PublishedJwkSet(keys, properties.getJwks().getPreviousKeyRetention());
	}

	static String path(TokenKeeperProperties properties) {
		String path = properties.getJwks().getPath().trim();
		return path.startsWith("/") ? path : "/" + path;
	}

	/** Providers cache JWK Sets themselves; a short max-age keeps a rotation visible soon. */
	private static final CacheControl CACHE = CacheControl.maxAge(java.time.Duration.ofMinutes(1)).cachePublic();

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(org.springframework.web.reactive.function.server.RouterFunction.class)
	static class ReactiveJwksConfiguration {

		@Bean
		org.springframework.web.reactive.function.server.RouterFunction<org.springframework.web.reactive.function.server.ServerResponse> tokenKeeperJwksRoute(
				PublishedJwkSet jwkSet, TokenKeeperProperties properties) {
			return org.springframework.web.reactive.function.server.RouterFunctions.route(
					org.springframework.web.reactive.function.server.RequestPredicates.GET(path(properties)),
					(request) -> org.springframework.web.reactive.function.server.ServerResponse.ok()
						.contentType(JWK_SET)
						.cacheControl(CACHE)
						.bodyValue(jwkSet.json()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(org.springframework.web.servlet.function.RouterFunction.class)
	static class ServletJwksConfiguration {

		@Bean
		org.springframework.web.servlet.function.RouterFunction<org.springframework.web.servlet.function.ServerResponse> tokenKeeperJwksRoute(
				PublishedJwkSet jwkSet, TokenKeeperProperties properties) {
			return org.springframework.web.servlet.function.RouterFunctions.route(
					org.springframework.web.servlet.function.RequestPredicates.GET(path(properties)),
					(request) -> org.springframework.web.servlet.function.ServerResponse.ok()
						.contentType(JWK_SET)
						.cacheControl(CACHE)
						.body(jwkSet.json()));
		}

	}

}
