package dev.tokenkeeper.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which keys {@link TokenKeeperSanitizingAutoConfiguration}'s function masks, however they
 * are spelled.
 */
class TokenKeeperSanitizingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TokenKeeperSanitizingAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "tokenkeeper.clients.partner.client-secret", "tokenkeeper.clients.partner.clientSecret",
			"TOKENKEEPER_CLIENTS_PARTNER_CLIENTSECRET", "TOKENKEEPER_CLIENTS_PARTNER_CLIENT_SECRET",
			"tokenkeeper.clients[partner].client-secret", "tokenkeeper.store.redis.encryption-key",
			"tokenkeeper.store.redis.encryptionKey", "tokenkeeper.clients.partner.proxy.password",
			"tokenkeeper.clients.partner.jwt.signing-key", "tokenkeeper.clients.partner.dpop.key",
			"spring.security.oauth2.client.registration.partner.client-secret",
			"SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_PARTNER_CLIENTSECRET" })
	void isSecretWhenSecretBearingKeyThenTrue(String key) {
		assertThat(TokenKeeperSanitizingAutoConfiguration.SecretKeys.isSecret(key)).isTrue();
	}

	@Test
	void sanitizingFunctionWhenActuatorIsPresentThenRegistered() {
		this.contextRunner.run((context) -> assertThat(context)
			.hasBean(TokenKeeperSanitizingAutoConfiguration.SANITIZING_FUNCTION_BEAN_NAME));
	}

	@Test
	void sanitizingFunctionWhenActuatorIsMissingThenNone() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context)
				.doesNotHaveBean(TokenKeeperSanitizingAutoConfiguration.SANITIZING_FUNCTION_BEAN_NAME));
	}

	@ParameterizedTest
	@ValueSource(strings = { "tokenkeeper.clients.partner.client-id", "tokenkeeper.clients.partner.token-uri",
			"tokenkeeper.clients.partner.proxy.host", "tokenkeeper.store.redis.allow-plaintext",
			"spring.security.oauth2.client.registration.partner.client-id", "other.client-secret" })
	void isSecretWhenOrdinaryKeyThenFalse(String key) {
		assertThat(TokenKeeperSanitizingAutoConfiguration.SecretKeys.isSecret(key)).isFalse();
	}

}
