package dev.tokenkeeper.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.tokenkeeper.actuate.TokenKeeperEndpoint;
import dev.tokenkeeper.actuate.TokenKeeperEndpointWebExtension;
import dev.tokenkeeper.cache.TokenCache;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@code tokenkeeper} Actuator endpoint. Like any endpoint, it is available once
 * exposed, e.g. {@code management.endpoints.web.exposure.include=health,tokenkeeper}.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(TokenCache.class)
public final class TokenKeeperEndpointAutoConfiguration {

	// Availability sits on the methods: its condition class is loaded only once the class
	// conditions above passed.
	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnMissingBean
	TokenKeeperEndpoint tokenKeeperEndpoint(TokenCache tokens, TokenKeeperProperties properties) {
		return new TokenKeeperEndpoint(tokens, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TokenKeeperEndpoint.class)
	@ConditionalOnAvailableEndpoint(endpoint = TokenKeeperEndpoint.class, exposure = EndpointExposure.WEB)
	TokenKeeperEndpointWebExtension tokenKeeperEndpointWebExtension(TokenKeeperEndpoint endpoint) {
		return new TokenKeeperEndpointWebExtension(endpoint);
	}

}
