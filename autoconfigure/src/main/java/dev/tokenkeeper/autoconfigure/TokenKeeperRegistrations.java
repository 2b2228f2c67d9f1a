package dev.tokenkeeper.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.assertion.JwtClientAssertions;
import dev.tokenkeeper.assertion.SigningKeys;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.ClientRetry;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Retry;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.cache.TokenRetryPolicy;
import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.routing.BaseUrl;
import dev.tokenkeeper.routing.TokenRouter;
import dev.tokenkeeper.token.ClientAssertions;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.ProviderProfile;
import dev.tokenkeeper.token.TokenEndpointClient;
import dev.tokenkeeper.token.TokenEndpointDiscovery;
import dev.tokenkeeper.token.TokenLifetimePolicy;
import dev.tokenkeeper.token.TokenUris;

/**
 * The registrations of {@code tokenkeeper.clients}, validated. Validation is TokenKeeper's own
 * rather than bean validation on the properties: Boot's bind reports print the offending
 * value, which for a secret must never happen.
 *
 * @author TokenKeeper
 */
public final class TokenKeeperRegistrations {

	private static final String PREFIX = "tokenkeeper.clients.";

	private static final Pattern REGISTRATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final List<TokenRegistration> registrations;

	private final TokenRouter router;

	private final Map<String, SigningKeys> signingKeys;

	private TokenKeeperRegistrations(List<TokenRegistration> registrations, TokenRouter router,
			Map<String, SigningKeys> signingKeys) {
		this.registrations = List.copyOf(registrations);
		this.router = router;
		this.signingKeys = Collections.unmodifiableMap(new LinkedHashMap<>(signingKeys));
	}

	/**
	 * Validate the properties and build the registrations.
	 * @param properties the bound properties, read again on every token request
	 * @return the registrations
	 * @throws InvalidTokenKeeperConfigurationException naming every invalid property
	 */
	public static TokenKeeperRegistrations of(TokenKeeperProperties properties) {
		return of(properties, Clock.systemUTC(), null);
	}

	/**
	 * Validate the properties, read the signing keys and build the registrations.
	 * @param properties the bound properties, read again on every token request
	 * @param clock the clock client assertions, DPoP proofs and key rotations are timed by
	 * @param sslBundles the application's SSL bundles, for keys from a key store
	 * @return the registrations
	 * @throws InvalidTokenKeeperConfigurationException naming every invalid property
	 */
	public static TokenKeeperRegistrations of(TokenKeeperProperties properties, Clock clock,
			@Nullable SslBundles sslBundles) {
		List<Problem> problems = new ArrayList<>();
		Built built = build(properties.getClients(), (id) -> properties.getClients().get(id), properties, clock,
				sslBundles, (baseUrl) -> null, problems);
		validateGlobal(properties, problems);
		if (!problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
		List<String> ids = built.registrations().stream().map(TokenRegistration::id).toList();
		return new TokenKeeperRegistrations(built.registrations(), new TokenRouter(ids, built.baseUrls()),
				built.signingKeys());
	}

	/**
	 * Validate one client registered while the application runs, the way configured ones are.
	 * @param id the registration id
	 * @param client the client, bound as configured ones are
	 * @param properties the global settings (retry defaults)
	 * @param clock the clock client assertions and DPoP proofs are timed by
	 * @param sslBundles the application's SSL bundles, for keys from a key store
	 * @param router the registrations known now: a base URL of another one is refused
	 * @return its registration and base URLs
	 * @throws InvalidTokenKeeperConfigurationException naming every invalid property
	 */
	static Built validated(String id, Client client, TokenKeeperProperties properties, Clock clock,
			@Nullable SslBundles sslBundles, TokenRouter router) {
		List<Problem> problems = new ArrayList<>();
		Built built = build(Map.of(id, client), null, properties, clock, sslBundles, router::owner, problems);
		if (!problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
		return built;
	}

	/**
	 * Validate and build registrations.
	 * @param current the client of an id as configured now, read on every token request so that
	 * a configuration refresh applies; {@code null} when each client is fixed, as one
	 * registered at run time is (a change registers it anew): its credentials are then made
	 * once, and it keeps nothing of the bound client
	 */
	private static Built build(Map<String, Client> clients, @Nullable Function<String, @Nullable Client> current,
			TokenKeeperProperties properties, Clock clock, @Nullable SslBundles sslBundles,
			Function<BaseUrl, @Nullable String> owners, List<Problem> problems) {
		Map<String, SigningKeys> signingKeys = new LinkedHashMap<>();
		List<TokenRegistration> registrations = new ArrayList<>();
		List<BaseUrl> baseUrls = new ArrayList<>();
		Map<String, BaseUrl> seen = new HashMap<>();
		clients.forEach((id, client) -> {
			String prefix = PREFIX + id + ".";
			if (!REGISTRATION_ID.matcher(id).matches()) {
				problems.add(new Problem(PREFIX + id,
						"has an invalid registration id: use letters, digits, '.', '_' and '-'"));
				return;
			}
			int before = problems.size();
			validateCredentials(prefix, client, problems);
			ClientAssertions assertions = (problems.size() == before)
					? ClientAuthentications.assertions(id, prefix, client, clock, sslBundles, problems) : null;
			if (assertions instanceof JwtClientAssertions jwt && jwt.signingKeys() != null) {
				signingKeys.put(id, jwt.signingKeys());
			}
			validateBaseUrls(id, prefix, client, seen, owners, baseUrls, problems);
			TokenLifetimePolicy lifetime = lifetime(prefix, client, problems);
			TokenRetryPolicy retry = retry(prefix, client.getRetry(), properties.getRetry(), problems);
			// built once: a generated key must outlive configuration refreshes, or tokens bound to it break
			DpopProofs dpop = DpopKeys.proofs(prefix, client.getDpop(), clock, problems);
			if (lifetime != null && retry != null && current != null) {
				registrations.add(new TokenRegistration(id, () -> credentials(id, current.apply(id), assertions, dpop),
						lifetime, retry, new TokenEndpointDiscovery(() -> issuerUri(current.apply(id)))));
			}
			else if (lifetime != null && retry != null && problems.isEmpty()) {
				// validated above, so made as they are
				ClientCredentials credentials = credentialsOf(id, client, assertions, dpop);
				String issuerUri = issuerUri(client);
				registrations.add(new TokenRegistration(id, () -> credentials,
						Last.LIFETIMES.get(lifetime, Function.identity()), Last.RETRIES.get(retry, Function.identity()),
						null, (issuerUri != null) ? new TokenEndpointDiscovery(() -> issuerUri) : null));
			}
		});
		return new Built(registrations, baseUrls, signingKeys);
	}

	/**
	 * What clients registered one after another share when it is equal, as a platform's
	 * tenants' policies and token endpoint usually are: one instance then serves them all,
	 * where each would keep its own, and what is made from a key (a parsed, judged token URI)
	 * is made once. Only the last key is remembered, so this holds nothing per client.
	 */
	private static final class Last<K, V> {

		static final Last<TokenLifetimePolicy, TokenLifetimePolicy> LIFETIMES = new Last<>();

		static final Last<TokenRetryPolicy, TokenRetryPolicy> RETRIES = new Last<>();

		/** A token endpoint or issuer as configured, judged and parsed. */
		static final Last<String, Endpoint> ENDPOINTS = new Last<>();

		private volatile @Nullable Entry<K, V> last;

		/** The value made from the key, or the one made for an equal key before. */
		V get(K key, Function<K, V> make) {
			Entry<K, V> last = this.last;
			if (last != null && last.key().equals(key)) {
				return last.value();
			}
			V value = make.apply(key);
			this.last = new Entry<>(key, value);
			return value;
		}

		private record Entry<K, V>(K key, V value) {
		}

	}

	/**
	 * A configured token endpoint or issuer: why it may not be used, or its URI.
	 * @param problem the reason, or {@code null}
	 * @param uri the URI, or {@code null} when there is a problem
	 */
	private record Endpoint(@Nullable String problem, @Nullable URI uri) {

		static Endpoint of(String configured) {
			String problem = TokenUris.problem(configured);
			return new Endpoint(problem, (problem != null) ? null : URI.create(configured.trim()));
		}

	}

	private static Endpoint endpoint(String configured) {
		return Last.ENDPOINTS.get(configured, Endpoint::of);
	}

	/**
	 * Registrations as validated, with their base URLs and signing keys.
	 *
	 * @param registrations the registrations
	 * @param baseUrls their base URLs
	 * @param signingKeys the signing keys of the {@code private-key-jwt} ones
	 */
	record Built(List<TokenRegistration> registrations, List<BaseUrl> baseUrls, Map<String, SigningKeys> signingKeys) {

	}

	private static void validateCredentials(String prefix, Client client, List<Problem> problems) {
		ProviderProfile profile = client.getProfile();
		String tokenUri = client.getTokenUri();
		String issuerUri = client.getIssuerUri();
		if (StringUtils.hasText(tokenUri) && StringUtils.hasText(issuerUri)) {
			problems.add(new Problem(prefix + "issuer-uri", "must not be set together with token-uri; set one of them"));
		}
		else if (StringUtils.hasText(issuerUri)) {
			String reason = issuerUriProblem(issuerUri);
			if (reason != null) {
				problems.add(new Problem(prefix + "issuer-uri", reason));
			}
		}
		else if (!StringUtils.hasText(tokenUri)) {
			problems.add(new Problem(prefix + "token-uri", "must be set (or issuer-uri, to discover it)"));
		}
		else {
			String reason = endpoint(tokenUri).problem();
			if (reason != null) {
				problems.add(new Problem(prefix + "token-uri", reason));
			}
		}
		if (!StringUtils.hasText(client.getClientId())) {
			problems.add(new Problem(prefix + "client-id", "must be set"));
		}
		ClientAuthentications.validate(prefix, client, problems);
		if (profile.requiresAudience() && !StringUtils.hasText(client.getAudience())) {
			problems.add(new Problem(prefix + "audience", "must be set for profile " + profile.configName()));
		}
		if (!profile.acceptsAudience() && StringUtils.hasText(client.getAudience())) {
			problems.add(new Problem(prefix + "audience", "is not sent by profile " + profile.configName()
					+ "; remove it"));
		}
		if (!profile.acceptsScopes() && !client.getScopes().isEmpty()) {
			problems.add(new Problem(prefix + "scopes", "are not sent by profile " + profile.configName()
					+ "; remove them"));
		}
		if (!client.getAdditionalParameters().isEmpty() && !profile.acceptsAdditionalParameters()) {
			problems.add(new Problem(prefix + "additional-parameters", "are not sent by profile "
					+ profile.configName() + ", whose provider takes an exact set of fields; remove them"));
		}
		client.getAdditionalParameters().keySet().forEach((name) -> {
			if (ProviderProfile.RESERVED_FIELDS.contains(name)) {
				problems.add(new Problem(prefix + "additional-parameters." + name,
						"repeats a field TokenKeeper sends itself (grant_type, client_id, client_secret, "
								+ "audience, scope, client_assertion_type, client_assertion); use the dedicated "
								+ "property instead"));
			}
		});
	}

	/** An issuer is checked as a token endpoint is, and has no query or fragment (RFC 8414 section 2). */
	private static @Nullable String issuerUriProblem(String issuerUri) {
		Endpoint endpoint = endpoint(issuerUri);
		if (endpoint.problem() != null) {
			return endpoint.problem();
		}
		URI uri = endpoint.uri();
		return (uri.getRawQuery() != null || uri.getRawFragment() != null) ? "must not have a query or fragment" : null;
	}

	private static void validateBaseUrls(String id, String prefix, Client client, Map<String, BaseUrl> seen,
			Function<BaseUrl, @Nullable String> owners, List<BaseUrl> baseUrls, List<Problem> problems) {
		List<String> configured = client.getBaseUrls();
		for (int i = 0; i < configured.size(); i++) {
			String property = prefix + "base-urls[" + i + "]";
			BaseUrl baseUrl;
			try {
				baseUrl = BaseUrl.parse(id, configured.get(i));
			}
			catch (IllegalArgumentException ex) {
				problems.add(new Problem(property, ex.getMessage()));
				continue;
			}
			if (baseUrl.isInsecure()) {
				problems.add(new Problem(property, "must use https: plain http would send tokens in clear text "
						+ "(http is allowed on localhost, 127.0.0.0/8 and ::1 only)"));
				continue;
			}
			String owner = owners.apply(baseUrl);
			if (owner != null && !owner.equals(id)) {
				problems.add(new Problem(property, "is also a base URL of registration '" + owner
						+ "'; two registrations may not share a base URL"));
				continue;
			}
			BaseUrl other = seen.putIfAbsent(baseUrl.toString(), baseUrl);
			if (other != null) {
				problems.add(new Problem(property, (other.registrationId().equals(id))
						? "repeats another base URL of this registration"
						: "is also a base URL of registration '" + other.registrationId()
								+ "'; two registrations may not share a base URL"));
				continue;
			}
			baseUrls.add(baseUrl);
		}
	}

	private static @Nullable TokenLifetimePolicy lifetime(String prefix, Client client, List<Problem> problems) {
		int before = problems.size();
		if (client.getExpirySkew().isNegative()) {
			problems.add(new Problem(prefix + "expiry-skew", "must not be negative"));
		}
		double refreshAhead = client.getRefreshAhead();
		if (!(refreshAhead > 0 && refreshAhead <= 1)) {
			problems.add(new Problem(prefix + "refresh-ahead", "must be greater than 0 and at most 1"));
		}
		if (!isPositive(client.getDefaultLifetime())) {
			problems.add(new Problem(prefix + "default-lifetime", "must be positive"));
		}
		return (problems.size() > before) ? null
				: new TokenLifetimePolicy(client.getExpirySkew(), refreshAhead, client.getDefaultLifetime());
	}

	private static @Nullable TokenRetryPolicy retry(String prefix, ClientRetry own, Retry defaults,
			List<Problem> problems) {
		int before = problems.size();
		boolean overridden = own.getMaxAttempts() != null;
		int maxAttempts = overridden ? own.getMaxAttempts() : defaults.getMaxAttempts();
		if (maxAttempts < 1) {
			problems.add(new Problem(overridden ? prefix + "retry.max-attempts" : "tokenkeeper.retry.max-attempts",
					"must be at least 1"));
		}
		Duration initialBackoff = positive(own.getInitialBackoff(), defaults.getInitialBackoff(), prefix,
				"initial-backoff", problems);
		Duration maxBackoff = positive(own.getMaxBackoff(), defaults.getMaxBackoff(), prefix, "max-backoff",
				problems);
		Duration coolDown = positive(own.getFailureCoolDown(), defaults.getFailureCoolDown(), prefix,
				"failure-cool-down", problems);
		Duration maxCoolDown = positive(own.getMaxFailureCoolDown(), defaults.getMaxFailureCoolDown(), prefix,
				"max-failure-cool-down", problems);
		return (problems.size() > before) ? null : new TokenRetryPolicy(maxAttempts, initialBackoff, maxBackoff,
				coolDown, maxCoolDown, defaults.getMaxRetryAfter());
	}

	private static Duration positive(@Nullable Duration own, Duration fallback, String prefix, String name,
			List<Problem> problems) {
		Duration value = (own != null) ? own : fallback;
		if (!isPositive(value)) {
			problems.add(new Problem((own != null) ? prefix + "retry." + name : "tokenkeeper.retry." + name,
					"must be positive"));
		}
		return value;
	}

	private static void validateGlobal(TokenKeeperProperties properties, List<Problem> problems) {
		TokenKeeperProperties.TokenRequest request = properties.getTokenRequest();
		if (!isPositive(request.getConnectTimeout())) {
			problems.add(new Problem("tokenkeeper.token-request.connect-timeout", "must be positive"));
		}
		if (!isPositive(request.getResponseTimeout())) {
			problems.add(new Problem("tokenkeeper.token-request.response-timeout", "must be positive"));
		}
		long maxSize = request.getMaxResponseSize().toBytes();
		if (maxSize < 1024 || maxSize > Integer.MAX_VALUE) {
			problems.add(new Problem("tokenkeeper.token-request.max-response-size", "must be between 1KB and 2GB"));
		}
		if (properties.getCache().getMaximumSize() < 1) {
			problems.add(new Problem("tokenkeeper.cache.maximum-size", "must be at least 1"));
		}
		if (!isPositive(properties.getRetry().getMaxRetryAfter())) {
			problems.add(new Problem("tokenkeeper.retry.max-retry-after", "must be positive"));
		}
		if (properties.getReplay().getUnauthorizedCoolDown().isNegative()) {
			problems.add(new Problem("tokenkeeper.replay.unauthorized-cool-down", "must not be negative"));
		}
	}

	private static boolean isPositive(@Nullable Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	/** Credentials as configured now, so that refreshed configuration takes effect. */
	private static ClientCredentials credentials(String id, @Nullable Client client,
			@Nullable ClientAssertions assertions, @Nullable DpopProofs dpop) {
		List<Problem> problems = new ArrayList<>();
		if (client != null) {
			validateCredentials(PREFIX + id + ".", client, problems);
		}
		if (client != null && problems.isEmpty() && ClientAuthentications.method(client).usesAssertion()
				&& assertions == null) {
			problems.add(new Problem(PREFIX + id + ".client-authentication",
					"was changed to a JWT method while the application runs; restart to read its key"));
		}
		if (client == null || !problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException((client == null)
					? List.of(new Problem(PREFIX + id, "was removed while the application runs")) : problems);
		}
		return credentialsOf(id, client, assertions, dpop);
	}

	/** Credentials of a client already validated. */
	private static ClientCredentials credentialsOf(String id, Client client, @Nullable ClientAssertions assertions,
			@Nullable DpopProofs dpop) {
		List<String> scopes = client.getScopes().stream().map(String::trim).filter(StringUtils::hasText).toList();
		// an issuer-uri registration's token endpoint is discovered before the request is sent
		String endpoint = StringUtils.hasText(client.getTokenUri()) ? client.getTokenUri() : client.getIssuerUri();
		return new ClientCredentials(id, client.getProfile(), endpoint(endpoint).uri(),
				client.getClientId(), client.getClientSecret(),
				StringUtils.hasText(client.getAudience()) ? client.getAudience() : null, scopes,
				client.getAdditionalParameters(), ClientAuthentications.method(client),
				ClientAuthentications.method(client).usesAssertion() ? assertions : null, dpop);
	}

	private static @Nullable String issuerUri(@Nullable Client client) {
		return (client != null && !StringUtils.hasText(client.getTokenUri()) && StringUtils.hasText(client.getIssuerUri()))
				? client.getIssuerUri() : null;
	}

	/**
	 * These registrations, those named in {@code clients} sending their token requests
	 * through a client of their own (an SSL bundle or a proxy).
	 * @param clients token endpoint clients by registration id
	 * @return the registrations
	 */
	TokenKeeperRegistrations withClients(Map<String, TokenEndpointClient> clients) {
		if (clients.isEmpty()) {
			return this;
		}
		List<TokenRegistration> registrations = this.registrations.stream().map((registration) -> {
			TokenEndpointClient client = clients.get(registration.id());
			return (client != null) ? registration.withClient(client) : registration;
		}).toList();
		return new TokenKeeperRegistrations(registrations, this.router, this.signingKeys);
	}

	/**
	 * The registrations, in configuration order.
	 * @return the registrations
	 */
	public List<TokenRegistration> registrations() {
		return this.registrations;
	}

	/**
	 * The signing keys of the {@code private-key-jwt} registrations, for the JWK Set.
	 * @return the keys by registration id
	 */
	public Map<String, SigningKeys> signingKeys() {
		return this.signingKeys;
	}

	/**
	 * The router over the registrations' base URLs.
	 * @return the router
	 */
	public TokenRouter router() {
		return this.router;
	}

}
