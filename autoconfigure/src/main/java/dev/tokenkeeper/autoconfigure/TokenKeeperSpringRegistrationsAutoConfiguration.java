package dev.tokenkeeper.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that makes Spring Security's {@code client_credentials} registrations
 * ({@code spring.security.oauth2.client.registration.*}) TokenKeeper registrations too,
 * unless {@code tokenkeeper.import-spring-registrations=false}.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(before = TokenKeeperAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "tokenkeeper.enabled", matchIfMissing = true)
public final class TokenKeeperSpringRegistrationsAutoConfiguration {

	@Bean
	static SpringClientRegistrationsImporter tokenKeeperSpringClientRegistrationsImporter(Environment environment) {
		return new SpringClientRegistrationsImporter(environment);
	}

}
