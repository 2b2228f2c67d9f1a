package dev.tokenkeeper.autoconfigure;

import java.util.List;
import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that masks TokenKeeper's secrets in {@code /actuator/configprops} and {@code /actuator/env}
 * even when their values are shown ({@code management.endpoint.*.show-values=always}):
 * client secrets, proxy passwords and key material under {@code tokenkeeper.*}, and the
 * client secrets of Spring's {@code spring.security.oauth2.client.registration.*}, which
 * TokenKeeper can import.
 *
 * @author TokenKeeper
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class TokenKeeperSanitizingAutoConfiguration {

	/** The bean's name, for an application that wants to replace it. */
	public static final String SANITIZING_FUNCTION_BEAN_NAME = "tokenKeeperSanitizingFunction";

	@Bean(SANITIZING_FUNCTION_BEAN_NAME)
	@ConditionalOnMissingBean(name = SANITIZING_FUNCTION_BEAN_NAME)
	SanitizingFunction tokenKeeperSanitizingFunction() {
		return new SecretKeys();
	}

	/**
	 * Matches keys however they are spelled: {@code client-secret} in a properties file,
	 * {@code clientSecret} in {@code configprops}, {@code CLIENT_SECRET} in an environment
	 * variable.
	 */
	static final class SecretKeys implements SanitizingFunction {

		private static final String TOKENKEEPER = "tokenkeeper";

		private static final String SPRING_REGISTRATIONS = "springsecurityoauth2clientregistration";

		/** Secrets, passwords and key material: {@code encryption-key}, a future {@code jwt.signing-key} or {@code dpop.key}. */
		private static final List<String> SECRET_ENDINGS = List.of("secret", "password", "passphrase", "key",
				"keystore", "assertion");

		@Override
		public SanitizableData apply(SanitizableData data) {
			return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
		}

		static boolean isSecret(String key) {
			String squashed = squash(key);
			if (squashed.startsWith(TOKENKEEPER)) {
				for (String ending : SECRET_ENDINGS) {
					if (squashed.endsWith(ending)) {
						return true;
					}
				}
				return false;
			}
			return squashed.startsWith(SPRING_REGISTRATIONS) && squashed.endsWith("clientsecret");
		}

		private static String squash(String key) {
			StringBuilder squashed = new StringBuilder(key.length());
			for (int i = 0; i < key.length(); i++) {
				char c = key.charAt(i);
				if (Character.isLetterOrDigit(c)) {
					squashed.append(c);
				}
			}
			return squashed.toString().toLowerCase(Locale.ROOT);
		}

	}

}
