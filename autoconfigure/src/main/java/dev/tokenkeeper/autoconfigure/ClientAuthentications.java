package dev.tokenkeeper.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.assertion.InvalidSigningKeyException;
import dev.tokenkeeper.assertion.JwtClientAssertions;
import dev.tokenkeeper.assertion.SigningAlgorithms;
import dev.tokenkeeper.assertion.SigningKeys;
import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Jwt;
import dev.tokenkeeper.token.ClientAssertions;
import dev.tokenkeeper.token.ClientAuthentication;
import dev.tokenkeeper.token.ProviderProfile;

/**
 * {@code tokenkeeper.clients.<id>.client-authentication} and {@code .jwt.*}: which method a
 * registration authenticates with, whether its settings fit, and its client assertions. The
 * checks of {@link #validate} are cheap and run on every token request with the rest of the
 * credentials; keys are read once, at start-up, by {@link #assertions} (a changed key file is
 * noticed by {@link SigningKeys} itself).
 *
 * @author TokenKeeper
 */
final class ClientAuthentications {

	/** SMART Backend Services: "no more than five minutes in the future". */
	static final Duration SMART_MAX_LIFETIME = Duration.ofMinutes(5);

	private static final ResourceLoader RESOURCES = new DefaultResourceLoader();

	private ClientAuthentications() {
	}

	static ClientAuthentication method(Client client) {
		return (client.getClientAuthentication() != null) ? client.getClientAuthentication()
				: client.getProfile().defaultClientAuthentication();
	}

	static void validate(String prefix, Client client, List<Problem> problems) {
		ProviderProfile profile = client.getProfile();
		ClientAuthentication method = method(client);
		Jwt jwt = client.getJwt();
		if (!profile.supports(method)) {
			problems.add(new Problem(prefix + "client-authentication", "is " + method.configName() + ", but profile "
					+ profile.configName() + " takes only its own, " + profile.defaultClientAuthentication().configName()));
			return;
		}
		if (method.usesClientSecret() && !StringUtils.hasText(client.getClientSecret())) {
			problems.add(new Problem(prefix + "client-secret", "must be set"
					+ ((client.getClientAuthentication() != null) ? " for " + method.configName() : "")));
		}
		if (!method.usesAssertion()) {
			if (hasJwtSettings(jwt)) {
				problems.add(new Problem(prefix + "jwt", "is used by client-authentication private-key-jwt and "
						+ "client-secret-jwt only, not " + method.configName() + "; remove it"));
			}
		}
		else {
			validateJwt(prefix, profile, method, client, jwt, problems);
		}
		if (method.usesTlsCertificate() && !StringUtils.hasText(client.getSslBundle())) {
			problems.add(new Problem(prefix + "ssl-bundle", "must be set for " + method.configName()
					+ ": its key store holds the client certificate the token request presents"));
		}
		if (profile.requiresScopes() && client.getScopes().stream().noneMatch(StringUtils::hasText)) {
			problems.add(new Problem(prefix + "scopes", "must be set for profile " + profile.configName()));
		}
	}

	private static void validateJwt(String prefix, ProviderProfile profile, ClientAuthentication method,
			Client client, Jwt jwt, List<Problem> problems) {
		Duration lifetime = jwt.getLifetime();
		if (lifetime == null || lifetime.isNegative() || lifetime.getSeconds() < 1) {
			problems.add(new Problem(prefix + "jwt.lifetime", "must be at least 1s"));
		}
		else if (profile == ProviderProfile.SMART_BACKEND && lifetime.compareTo(SMART_MAX_LIFETIME) > 0) {
			problems.add(new Problem(prefix + "jwt.lifetime", "must be at most 5m for profile smart-backend "
					+ "(SMART Backend Services: exp no more than five minutes after iat)"));
		}
		if (method == ClientAuthentication.CLIENT_SECRET_JWT) {
			if (StringUtils.hasText(jwt.getSigningKey()) || StringUtils.hasText(jwt.getSslBundle())
					|| StringUtils.hasText(jwt.getNextSigningKey())) {
				problems.add(new Problem(prefix + (StringUtils.hasText(jwt.getSslBundle()) ? "jwt.ssl-bundle"
						: StringUtils.hasText(jwt.getSigningKey()) ? "jwt.signing-key" : "jwt.next-signing-key"),
						"is not used by client-secret-jwt, which signs with the client secret; remove it"));
			}
			if (StringUtils.hasText(jwt.getKeyId())) {
				problems.add(new Problem(prefix + "jwt.key-id", "is not sent by client-secret-jwt; remove it"));
			}
			JWSAlgorithm algorithm = hmac(prefix, jwt, problems);
			String secret = client.getClientSecret();
			if (algorithm != null && StringUtils.hasText(secret) && secret.getBytes(StandardCharsets.UTF_8).length
					< SigningAlgorithms.minimumSecretBytes(algorithm)) {
				problems.add(new Problem(prefix + "client-secret", "is too short for client-secret-jwt with "
						+ algorithm + ": at least " + SigningAlgorithms.minimumSecretBytes(algorithm) + " bytes"));
			}
			return;
		}
		boolean key = StringUtils.hasText(jwt.getSigningKey());
		boolean bundle = StringUtils.hasText(jwt.getSslBundle());
		if (key == bundle) {
			problems.add(new Problem(prefix + "jwt.signing-key", key
					? "and jwt.ssl-bundle are both set; set one of them"
					: "must be set for " + method.configName() + " (a PEM private key), or jwt.ssl-bundle"));
		}
		if (!bundle && StringUtils.hasText(jwt.getKeyAlias())) {
			problems.add(new Problem(prefix + "jwt.key-alias", "is used with jwt.ssl-bundle only; remove it"));
		}
	}

	private static @Nullable JWSAlgorithm hmac(String prefix, Jwt jwt, List<Problem> problems) {
		try {
			return SigningAlgorithms.hmac(jwt.getAlgorithm());
		}
		catch (InvalidSigningKeyException ex) {
			problems.add(new Problem(prefix + "jwt.algorithm", ex.getMessage()));
			return null;
		}
	}

	private static boolean hasJwtSettings(Jwt jwt) {
		return StringUtils.hasText(jwt.getSigningKey()) || StringUtils.hasText(jwt.getNextSigningKey())
				|| StringUtils.hasText(jwt.getSslBundle()) || StringUtils.hasText(jwt.getKeyAlias())
				|| StringUtils.hasText(jwt.getKeyId()) || StringUtils.hasText(jwt.getAlgorithm())
				|| StringUtils.hasText(jwt.getAudience());
	}

	/**
	 * The client assertions of a registration that {@link #validate} found valid: its keys
	 * read and checked against the algorithm.
	 * @return the assertions, or {@code null} for methods without assertions or when a
	 * problem was added
	 */
	static @Nullable ClientAssertions assertions(String id, String prefix, Client client, Clock clock,
			@Nullable SslBundles sslBundles, List<Problem> problems) {
		ClientAuthentication method = method(client);
		Jwt jwt = client.getJwt();
		String audience = StringUtils.hasText(jwt.getAudience()) ? jwt.getAudience().trim() : null;
		if (method == ClientAuthentication.CLIENT_SECRET_JWT) {
			return JwtClientAssertions.clientSecret(SigningAlgorithms.hmac(jwt.getAlgorithm()), jwt.getLifetime(),
					audience, clock);
		}
		if (method != ClientAuthentication.PRIVATE_KEY_JWT) {
			return null;
		}
		boolean smart = client.getProfile() == ProviderProfile.SMART_BACKEND;
		String keyId = StringUtils.hasText(jwt.getKeyId()) ? jwt.getKeyId().trim() : null;
		String keyProperty = StringUtils.hasText(jwt.getSslBundle()) ? "jwt.ssl-bundle" : "jwt.signing-key";
		try {
			SigningAlgorithms algorithms = new SigningAlgorithms(jwt.getAlgorithm(), smart);
			Resource next = resource(jwt.getNextSigningKey());
			if (next != null) {
				// the next key must be usable before it is published, not only once it signs
				try {
					SigningKeys.pem(id, next, null, algorithms, null, clock);
				}
				catch (InvalidSigningKeyException ex) {
					problems.add(new Problem(prefix + "jwt.next-signing-key", ex.getMessage()));
					return null;
				}
			}
			SigningKeys keys;
			if (StringUtils.hasText(jwt.getSslBundle())) {
				if (sslBundles == null) {
					problems.add(new Problem(prefix + keyProperty, "needs Spring Boot's SSL bundles, which are not "
							+ "available (SslAutoConfiguration is excluded?)"));
					return null;
				}
				keys = SigningKeys.sslBundle(id, sslBundles, jwt.getSslBundle().trim(),
						StringUtils.hasText(jwt.getKeyAlias()) ? jwt.getKeyAlias().trim() : null, next, algorithms,
						keyId, clock);
			}
			else {
				keys = SigningKeys.pem(id, resource(jwt.getSigningKey()), next, algorithms, keyId, clock);
			}
			return JwtClientAssertions.privateKey(keys, jwt.getLifetime(), audience, clock);
		}
		catch (InvalidSigningKeyException ex) {
			problems.add(new Problem(prefix + ((ex.getSubject() == InvalidSigningKeyException.Subject.ALGORITHM)
					? "jwt.algorithm" : keyProperty), ex.getMessage()));
			return null;
		}
	}

	private static @Nullable Resource resource(@Nullable String location) {
		return StringUtils.hasText(location) ? RESOURCES.getResource(location.trim()) : null;
	}

}
