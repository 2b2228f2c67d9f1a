package dev.tokenkeeper.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;
import dev.tokenkeeper.token.ClientAuthentication;
import dev.tokenkeeper.token.ProviderProfile;

/**
 * Makes the application's {@code spring.security.oauth2.client.registration.<id>} entries
 * with {@code authorization-grant-type: client_credentials} TokenKeeper registrations too, so
 * apps configured the Spring way get caching, metrics and the 401 replay without rewriting
 * their configuration. {@code tokenkeeper.clients.<id>.*} may add to them (base URLs, an
 * audience) and wins where both set something.
 * <ul>
 * <li>{@code client-authentication-method}: {@code client_secret_basic} (Spring's default)
 * gives the {@code basic-form} profile, the others {@code post-form} with that
 * {@code client-authentication}; {@code private_key_jwt} needs
 * {@code tokenkeeper.clients.<id>.jwt.signing-key} (or {@code .jwt.ssl-bundle}: Spring
 * Security resolves its key through a bean, TokenKeeper through properties), the TLS methods
 * {@code tokenkeeper.clients.<id>.ssl-bundle}; without them, and for methods TokenKeeper
 * does not speak, the registration is left to Spring Security unless
 * {@code tokenkeeper.clients.<id>} says how to serve it (with other settings there but not
 * those, start-up fails naming the missing property);</li>
 * <li>{@code token-uri} from {@code spring.security.oauth2.client.provider.<provider>}, where
 * {@code provider} defaults to the id; a registration without one (issuer discovery), or
 * without client id or secret, is left to Spring Security unless
 * {@code tokenkeeper.clients.<id>} completes it;</li>
 * <li>{@code scope} becomes {@code scopes}.</li>
 * </ul>
 * The merge runs whenever the properties bean is (re)bound, so credentials still come from
 * the current configuration, and it reads Spring's properties with Boot's {@link Binder},
 * needing no Spring Boot OAuth2 client module.
 *
 * @author TokenKeeper
 */
final class SpringClientRegistrationsImporter implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(SpringClientRegistrationsImporter.class);

	private static final String REGISTRATION = "spring.security.oauth2.client.registration";

	private static final String PROVIDER = "spring.security.oauth2.client.provider";

	private static final String CLIENTS = "tokenkeeper.clients.";

	private final Environment environment;

	SpringClientRegistrationsImporter(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof TokenKeeperProperties properties && properties.isImportSpringRegistrations()) {
			importInto(properties, Binder.get(this.environment));
		}
		return bean;
	}

	static void importInto(TokenKeeperProperties properties, Binder binder) {
		Map<String, SpringRegistration> registrations = binder
			.bind(REGISTRATION, Bindable.mapOf(String.class, SpringRegistration.class))
			.orElse(Map.of());
		registrations.forEach((id, registration) -> {
			if (!"client_credentials".equalsIgnoreCase(normalized(registration.authorizationGrantType()))) {
				return;
			}
			Client merged = merge(id, registration, properties, binder);
			if (merged != null) {
				properties.getClients().put(id, merged);
			}
		});
	}

	private static @Nullable Client merge(String id, SpringRegistration registration,
			TokenKeeperProperties properties, Binder binder) {
		String source = REGISTRATION + "." + id;
		String prefix = CLIENTS + id;
		// tokenkeeper.clients.<id> as bound now; an entry this importer made earlier is rebuilt
		boolean own = hasAny(binder, prefix);
		Client client = (own && properties.getClients().get(id) != null) ? properties.getClients().get(id)
				: new Client();
		ClientAuthentication method = authentication(registration.clientAuthenticationMethod());
		boolean profileSet = hasValue(binder, prefix + ".profile");
		boolean methodSet = hasValue(binder, prefix + ".client-authentication");
		// Spring Security finds a private_key_jwt key through a bean, TokenKeeper through its properties
		String missing = (method == ClientAuthentication.PRIVATE_KEY_JWT && !hasValue(binder, prefix + ".jwt.signing-key")
				&& !hasValue(binder, prefix + ".jwt.ssl-bundle")) ? ".jwt.signing-key"
						: (method != null && method.usesTlsCertificate() && !hasValue(binder, prefix + ".ssl-bundle"))
								? ".ssl-bundle" : null;
		if (!profileSet && !methodSet && (method == null || missing != null)) {
			String reason = (method == null)
					? "its client-authentication-method " + registration.clientAuthenticationMethod()
							+ " is not one TokenKeeper speaks"
					: "it uses " + method.oauthName() + ", and " + prefix + missing + " is not set";
			if (own) {
				// the application asked TokenKeeper to serve it: say what is missing
				throw new InvalidTokenKeeperConfigurationException(List.of(new Problem(
						prefix + ((method == null) ? ".profile" : missing), "must be set: " + source
								+ " is configured, but " + reason + ((method == null) ? " (client_secret_basic, "
										+ "client_secret_post, client_secret_jwt, private_key_jwt, tls_client_auth or "
										+ "self_signed_tls_client_auth)" : ""))));
			}
			leftToSpringSecurity(source, reason + "; set " + prefix + ((method == null) ? ".profile" : missing)
					+ " to serve it");
			return null;
		}
		if (!profileSet && method != null) {
			client.setProfile((method == ClientAuthentication.CLIENT_SECRET_BASIC) ? ProviderProfile.BASIC_FORM
					: ProviderProfile.POST_FORM);
		}
		if (!methodSet && method != null && missing == null && method != ClientAuthentication.CLIENT_SECRET_BASIC
				&& method != ClientAuthentication.CLIENT_SECRET_POST) {
			client.setClientAuthentication(method);
		}
		String providerId = StringUtils.hasText(registration.provider()) ? registration.provider().trim() : id;
		String tokenUri = binder.bind(PROVIDER + "." + providerId + ".token-uri", String.class).orElse(null);
		if (!own && !StringUtils.hasText(tokenUri)) {
			leftToSpringSecurity(source, PROVIDER + "." + providerId
					+ ".token-uri is not set (TokenKeeper does not discover it from an issuer-uri)");
			return null;
		}
		boolean credentials = StringUtils.hasText(registration.clientId())
				&& (StringUtils.hasText(registration.clientSecret())
						|| !ClientAuthentications.method(client).usesClientSecret());
		if (!own && !credentials) {
			leftToSpringSecurity(source, "it has no client-id or no client-secret");
			return null;
		}
		if (!StringUtils.hasText(client.getTokenUri())) {
			client.setTokenUri(tokenUri);
		}
		if (!StringUtils.hasText(client.getClientId())) {
			client.setClientId(registration.clientId());
		}
		if (!StringUtils.hasText(client.getClientSecret())) {
			client.setClientSecret(registration.clientSecret());
		}
		if (client.getScopes().isEmpty() && registration.scope() != null
				&& client.getProfile().acceptsScopes()) {
			client.setScopes(new ArrayList<>(registration.scope()));
		}
		if (logger.isDebugEnabled()) {
			logger.debug("TokenKeeper serves " + source + " (client_credentials) as registration '" + id + "'");
		}
		return client;
	}

	private static @Nullable ClientAuthentication authentication(@Nullable String clientAuthenticationMethod) {
		String method = normalized(clientAuthenticationMethod);
		if (method == null) {
			return ClientAuthentication.CLIENT_SECRET_BASIC;
		}
		for (ClientAuthentication candidate : ClientAuthentication.values()) {
			if (candidate.oauthName().equals(method)) {
				return candidate;
			}
		}
		return null;
	}

	private static boolean hasAny(Binder binder, String prefix) {
		return binder.bind(prefix, Bindable.mapOf(String.class, Object.class)).isBound();
	}

	private static boolean hasValue(Binder binder, String name) {
		return binder.bind(name, String.class).isBound();
	}

	private static void leftToSpringSecurity(String source, String reason) {
		if (logger.isInfoEnabled()) {
			logger.info(source + " is left to Spring Security, not served by TokenKeeper: " + reason);
		}
	}

	private static @Nullable String normalized(@Nullable String value) {
		return StringUtils.hasText(value) ? value.trim().toLowerCase(Locale.ROOT) : null;
	}

	/**
	 * The fields of a Spring Security client registration TokenKeeper reads.
	 *
	 * @param clientId the client id
	 * @param clientSecret the client secret
	 * @param clientAuthenticationMethod how the client authenticates
	 * @param authorizationGrantType the grant
	 * @param scope the scopes
	 * @param provider the provider id, by default the registration id
	 */
	record SpringRegistration(@Nullable String clientId, @Nullable String clientSecret,
			@Nullable String clientAuthenticationMethod, @Nullable String authorizationGrantType,
			@Nullable Set<String> scope, @Nullable String provider) {

		@Override
		public String toString() {
			return "SpringRegistration[clientId=" + this.clientId + ", clientSecret=******]";
		}

	}

}
