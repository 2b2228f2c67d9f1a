package dev.tokenkeeper.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

import dev.tokenkeeper.token.ClientAuthentication;
import dev.tokenkeeper.dpop.DpopAlgorithm;
import dev.tokenkeeper.token.ProviderProfile;

/**
 * Configuration properties for TokenKeeper.
 *
 * @author TokenKeeper
 */
@ConfigurationProperties("tokenkeeper")
public class TokenKeeperProperties {

	/**
	 * Whether TokenKeeper is enabled. When false, no TokenKeeper beans are created and
	 * WebClients are left untouched.
	 */
	private boolean enabled = true;

	/**
	 * Whether to request every registration's token once the application is ready, rather
	 * than on first use. A failure is logged, not fatal.
	 */
	private boolean eager = false;

	/**
	 * Whether spring.security.oauth2.client.registration entries with the client_credentials
	 * grant become TokenKeeper registrations too (tokenkeeper.clients.<id> may add to them).
	 */
	private boolean importSpringRegistrations = true;

	/**
	 * Client-credentials registrations, by registration id.
	 */
	private final Map<String, Client> clients = new LinkedHashMap<>();

	/**
	 * Where tokens are kept.
	 */
	private final Store store = new Store();

	/**
	 * HTTP settings of token requests.
	 */
	private final TokenRequest tokenRequest = new TokenRequest();

	/**
	 * Retries and cool-downs of token requests; each registration may override them.
	 */
	private final Retry retry = new Retry();

	/**
	 * The token cache.
	 */
	private final Cache cache = new Cache();

	/**
	 * Replay of API requests answered with 401.
	 */
	private final Replay replay = new Replay();

	/**
	 * The JWK Set of the private-key-jwt registrations' public keys.
	 */
	private final Jwks jwks = new Jwks();

	/**
	 * Clients registered while the application runs.
	 */
	private final Runtime runtime = new Runtime();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isEager() {
		return this.eager;
	}

	public void setEager(boolean eager) {
		this.eager = eager;
	}

	public boolean isImportSpringRegistrations() {
		return this.importSpringRegistrations;
	}

	public void setImportSpringRegistrations(boolean importSpringRegistrations) {
		this.importSpringRegistrations = importSpringRegistrations;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	public Store getStore() {
		return this.store;
	}

	public TokenRequest getTokenRequest() {
		return this.tokenRequest;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Replay getReplay() {
		return this.replay;
	}

	public Runtime getRuntime() {
		return this.runtime;
	}

	public Jwks getJwks() {
		return this.jwks;
	}

	/**
	 * One client-credentials registration.
	 */
	public static class Client {

		/**
		 * The token endpoint's dialect: auth0, basic-form, post-form, candid-json or
		 * smart-backend.
		 */
		private ProviderProfile profile = ProviderProfile.BASIC_FORM;

		/**
		 * Token endpoint URI. Plain http only on loopback hosts.
		 */
		private @Nullable String tokenUri;

		/**
		 * Issuer whose metadata names the token endpoint, instead of token-uri: RFC 8414 or
		 * OpenID discovery, or for smart-backend the FHIR base URL's
		 * .well-known/smart-configuration. Read at the first token request and cached.
		 */
		private @Nullable String issuerUri;

		/**
		 * OAuth2 client id.
		 */
		private @Nullable String clientId;

		/**
		 * OAuth2 client secret, for the methods that use one (client-secret-basic,
		 * client-secret-post, client-secret-jwt). Never logged or shown.
		 */
		private @Nullable String clientSecret;

		/**
		 * How the client authenticates: client-secret-basic, client-secret-post,
		 * client-secret-jwt, private-key-jwt, tls-client-auth or self-signed-tls-client-auth.
		 * Default: the profile's own (client-secret-basic for basic-form, private-key-jwt for
		 * smart-backend, client-secret-post for the others).
		 */
		private @Nullable ClientAuthentication clientAuthentication;

		/**
		 * JWT client assertions (private-key-jwt, client-secret-jwt).
		 */
		private final Jwt jwt = new Jwt();

		/**
		 * Audience of the requested token. Required by the auth0 profile; sent as a form
		 * field by the form profiles when set; not accepted by candid-json.
		 */
		private @Nullable String audience;

		/**
		 * Scopes to request, sent space-separated as 'scope'. Not accepted by candid-json.
		 */
		private List<String> scopes = new ArrayList<>();

		/**
		 * Extra fields added to every token request. May not repeat a field the profile
		 * sends itself.
		 */
		private Map<String, String> additionalParameters = new LinkedHashMap<>();

		/**
		 * Base URLs of the API this token is for; requests at or under them get it. Plain
		 * http only on loopback hosts.
		 */
		private List<String> baseUrls = new ArrayList<>();

		/**
		 * Margin before expiry within which a token is never sent. Half the lifetime for
		 * tokens living less than twice this margin.
		 */
		private Duration expirySkew = Duration.ofSeconds(60);

		/**
		 * Fraction of a token's usable life after which the next lookup starts a background
		 * refresh, in (0, 1].
		 */
		private double refreshAhead = 0.8;

		/**
		 * Lifetime of tokens whose response has neither expires_in nor a JWT exp claim.
		 */
		private Duration defaultLifetime = Duration.ofMinutes(5);

		/**
		 * Retry settings overriding tokenkeeper.retry.* for this registration.
		 */
		private final ClientRetry retry = new ClientRetry();

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) for TLS to this registration's token
		 * endpoint, e.g. to trust a private certificate authority.
		 */
		private @Nullable String sslBundle;

		/**
		 * The client tag of the meters of a client registered at run time, so that they stay
		 * bounded however many clients there are; its health and the endpoint's counts are
		 * per group too. Configured clients are tagged with their id.
		 */
		private String group = "runtime";

		/**
		 * HTTP proxy for this registration's token requests.
		 */
		private final Proxy proxy = new Proxy();

		/**
		 * DPoP (RFC 9449): sender-constrained tokens for this registration.
		 */
		private final Dpop dpop = new Dpop();

		public ProviderProfile getProfile() {
			return this.profile;
		}

		public void setProfile(ProviderProfile profile) {
			this.profile = profile;
		}

		public @Nullable String getTokenUri() {
			return this.tokenUri;
		}

		public void setTokenUri(@Nullable String tokenUri) {
			this.tokenUri = tokenUri;
		}

		public @Nullable String getIssuerUri() {
			return this.issuerUri;
		}

		public void setIssuerUri(@Nullable String issuerUri) {
			this.issuerUri = issuerUri;
		}

		public @Nullable String getClientId() {
			return this.clientId;
		}

		public void setClientId(@Nullable String clientId) {
			this.clientId = clientId;
		}

		public @Nullable String getClientSecret() {
			return this.clientSecret;
		}

		public void setClientSecret(@Nullable String clientSecret) {
			this.clientSecret = clientSecret;
		}

		public @Nullable ClientAuthentication getClientAuthentication() {
			return this.clientAuthentication;
		}

		public void setClientAuthentication(@Nullable ClientAuthentication clientAuthentication) {
			this.clientAuthentication = clientAuthentication;
		}

		public Jwt getJwt() {
			return this.jwt;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

		public Map<String, String> getAdditionalParameters() {
			return this.additionalParameters;
		}

		public void setAdditionalParameters(Map<String, String> additionalParameters) {
			this.additionalParameters = additionalParameters;
		}

		public List<String> getBaseUrls() {
			return this.baseUrls;
		}

		public void setBaseUrls(List<String> baseUrls) {
			this.baseUrls = baseUrls;
		}

		public Duration getExpirySkew() {
			return this.expirySkew;
		}

		public void setExpirySkew(Duration expirySkew) {
			this.expirySkew = expirySkew;
		}

		public double getRefreshAhead() {
			return this.refreshAhead;
		}

		public void setRefreshAhead(double refreshAhead) {
			this.refreshAhead = refreshAhead;
		}

		public Duration getDefaultLifetime() {
			return this.defaultLifetime;
		}

		public void setDefaultLifetime(Duration defaultLifetime) {
			this.defaultLifetime = defaultLifetime;
		}

		public ClientRetry getRetry() {
			return this.retry;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public Proxy getProxy() {
			return this.proxy;
		}

		public Dpop getDpop() {
			return this.dpop;
		}

		@Override
		public String toString() {
			return "Client[profile=" + this.profile + ", tokenUri=" + this.tokenUri + ", issuerUri=" + this.issuerUri + ", clientId=" + this.clientId
					+ ", clientSecret=******]";
		}

	}

	/**
	 * JWT client assertions (RFC 7523) of one registration.
	 */
	public static class Jwt {

		/**
		 * PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY, unencrypted,
		 * optionally followed by its certificate or public key), e.g.
		 * file:/run/secrets/key.pem. A changed file signs from the next token request on.
		 */
		private @Nullable String signingKey;

		/**
		 * PEM private key published in the JWK Set before it signs; rotation is "add next,
		 * wait, promote".
		 */
		private @Nullable String nextSigningKey;

		/**
		 * Name of an SSL bundle (spring.ssl.bundle.*) whose key store entry signs, instead of
		 * signing-key. A reloaded bundle signs from the next token request on.
		 */
		private @Nullable String sslBundle;

		/**
		 * Key store entry of ssl-bundle that signs. Default: the bundle's key alias, else
		 * its only key entry.
		 */
		private @Nullable String keyAlias;

		/**
		 * The 'kid' header of private-key-jwt assertions. Default: the RFC 7638 SHA-256
		 * thumbprint of the public key (which changes with the key).
		 */
		private @Nullable String keyId;

		/**
		 * Signing algorithm: RS256, RS384, RS512, PS256, PS384, ES256, ES384 or ES512 for
		 * private-key-jwt (default RS256 for RSA keys, ES256 / ES384 / ES512 by EC curve;
		 * smart-backend: RS384 or ES384 only); HS256, HS384 or HS512 for client-secret-jwt
		 * (default HS256).
		 */
		private @Nullable String algorithm;

		/**
		 * Lifetime of each assertion (exp - iat); at most 5 minutes for smart-backend.
		 */
		private Duration lifetime = Duration.ofMinutes(1);

		/**
		 * The 'aud' claim. Default: the token URI (set it when a proxy changes the URI the
		 * server sees).
		 */
		private @Nullable String audience;

		public @Nullable String getSigningKey() {
			return this.signingKey;
		}

		public void setSigningKey(@Nullable String signingKey) {
			this.signingKey = signingKey;
		}

		public @Nullable String getNextSigningKey() {
			return this.nextSigningKey;
		}

		public void setNextSigningKey(@Nullable String nextSigningKey) {
			this.nextSigningKey = nextSigningKey;
		}

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public @Nullable String getKeyAlias() {
			return this.keyAlias;
		}

		public void setKeyAlias(@Nullable String keyAlias) {
			this.keyAlias = keyAlias;
		}

		public @Nullable String getKeyId() {
			return this.keyId;
		}

		public void setKeyId(@Nullable String keyId) {
			this.keyId = keyId;
		}

		public @Nullable String getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(@Nullable String algorithm) {
			this.algorithm = algorithm;
		}

		public Duration getLifetime() {
			return this.lifetime;
		}

		public void setLifetime(Duration lifetime) {
			this.lifetime = lifetime;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

	}

	/**
	 * The JWK Set of the private-key-jwt registrations' public keys.
	 */
	public static class Jwks {

		/**
		 * Path the application serves the JWK Set at, e.g. /.well-known/jwks.json (WebFlux
		 * and servlet applications). Not served when unset.
		 */
		private @Nullable String path;

		/**
		 * How long a key replaced by a rotation stays in the JWK Set.
		 */
		private Duration previousKeyRetention = Duration.ofHours(1);

		public @Nullable String getPath() {
			return this.path;
		}

		public void setPath(@Nullable String path) {
			this.path = path;
		}

		public Duration getPreviousKeyRetention() {
			return this.previousKeyRetention;
		}

		public void setPreviousKeyRetention(Duration previousKeyRetention) {
			this.previousKeyRetention = previousKeyRetention;
		}

	}

	/**
	 * DPoP (RFC 9449) for one registration: token requests and API calls carry a proof signed
	 * with a key the application holds, so a leaked token is useless without it.
	 */
	public static class Dpop {

		/**
		 * Whether token requests and API calls carry DPoP proofs, and DPoP-bound tokens are
		 * accepted.
		 */
		private boolean enabled = false;

		/**
		 * JWS algorithm of the proofs: ES256, ES384, RS256, PS256 or EdDSA.
		 */
		private DpopAlgorithm algorithm = DpopAlgorithm.ES256;

		/**
		 * PKCS#8 PEM private key the proofs are signed with, e.g. file:/run/secrets/dpop.pem.
		 * Default: a key pair generated at start-up and kept in memory (each instance its own,
		 * so in fleet mode each instance fetches its own tokens).
		 */
		private @Nullable Resource key;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DpopAlgorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(DpopAlgorithm algorithm) {
			this.algorithm = algorithm;
		}

		public @Nullable Resource getKey() {
			return this.key;
		}

		public void setKey(@Nullable Resource key) {
			this.key = key;
		}

		@Override
		public String toString() {
			return "Dpop[enabled=" + this.enabled + ", algorithm=" + this.algorithm + "]";
		}

	}

	/**
	 * An HTTP proxy for token requests (Reactor Netty's connector; it ignores the
	 * https.proxyHost system properties).
	 */
	public static class Proxy {

		/**
		 * Proxy host. Token requests go through the proxy when it is set.
		 */
		private @Nullable String host;

		/**
		 * Proxy port.
		 */
		private @Nullable Integer port;

		/**
		 * User name for proxy authentication (Basic), if the proxy requires it.
		 */
		private @Nullable String username;

		/**
		 * Password for proxy authentication. Never logged or shown.
		 */
		private @Nullable String password;

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public @Nullable Integer getPort() {
			return this.port;
		}

		public void setPort(@Nullable Integer port) {
			this.port = port;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		@Override
		public String toString() {
			return "Proxy[host=" + this.host + ", port=" + this.port + ", username=" + this.username + ", password="
					+ ((this.password != null) ? "******" : null) + "]";
		}

	}

	/**
	 * Where tokens are kept.
	 */
	public static class Store {

		/**
		 * Token store: memory (per instance) or redis (shared by a fleet, Caffeine as the
		 * near cache).
		 */
		private StoreType type = StoreType.MEMORY;

		/**
		 * Redis store settings.
		 */
		private final Redis redis = new Redis();

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public Redis getRedis() {
			return this.redis;
		}

		/**
		 * Redis store settings.
		 */
		public static class Redis {

			/**
			 * Base64 of 32 random bytes: the AES-256-GCM key tokens are encrypted with in
			 * Redis.
			 */
			private @Nullable String encryptionKey;

			/**
			 * Whether redis mode may store tokens unencrypted when no encryption key is set.
			 */
			private boolean allowPlaintext = false;

			/**
			 * Longest wait for one Redis command before this instance stops waiting and
			 * requests its own token. Kept short: a slow Redis must not slow calls down.
			 */
			private Duration commandTimeout = Duration.ofMillis(500);

			/**
			 * How long the lock of a token request outlives an instance that died holding
			 * it. A live owner extends its lock every third of this while its request runs;
			 * the others wait for its result while the lock is held, up to the longest a
			 * token request can take (retry.max-attempts times the connect and response
			 * timeouts, plus the backoffs between attempts).
			 */
			private Duration lockTimeout = Duration.ofSeconds(10);

			/**
			 * How often a waiting instance looks for the token another instance requests.
			 */
			private Duration pollInterval = Duration.ofMillis(50);

			public @Nullable String getEncryptionKey() {
				return this.encryptionKey;
			}

			public void setEncryptionKey(@Nullable String encryptionKey) {
				this.encryptionKey = encryptionKey;
			}

			public boolean isAllowPlaintext() {
				return this.allowPlaintext;
			}

			public void setAllowPlaintext(boolean allowPlaintext) {
				this.allowPlaintext = allowPlaintext;
			}

			public Duration getCommandTimeout() {
				return this.commandTimeout;
			}

			public void setCommandTimeout(Duration commandTimeout) {
				this.commandTimeout = commandTimeout;
			}

			public Duration getLockTimeout() {
				return this.lockTimeout;
			}

			public void setLockTimeout(Duration lockTimeout) {
				this.lockTimeout = lockTimeout;
			}

			public Duration getPollInterval() {
				return this.pollInterval;
			}

			public void setPollInterval(Duration pollInterval) {
				this.pollInterval = pollInterval;
			}

			@Override
			public String toString() {
				return "Redis[encryptionKey=" + ((this.encryptionKey != null) ? "******" : null) + ", allowPlaintext="
						+ this.allowPlaintext + ", commandTimeout=" + this.commandTimeout + ", lockTimeout="
						+ this.lockTimeout + ", pollInterval=" + this.pollInterval + "]";
			}

		}

	}

	/**
	 * Token store types.
	 */
	public enum StoreType {

		/** Tokens kept per instance, in Caffeine. */
		MEMORY,

		/** Tokens shared through Redis, with Caffeine as the near cache. */
		REDIS

	}

	/**
	 * HTTP settings of token requests.
	 */
	public static class TokenRequest {

		/**
		 * Connect timeout of token requests.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Time allowed for a whole token response to arrive.
		 */
		private Duration responseTimeout = Duration.ofSeconds(10);

		/**
		 * Largest token response body accepted.
		 */
		private DataSize maxResponseSize = DataSize.ofKilobytes(64);

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

		public DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
		}

	}

	/**
	 * Retries and cool-downs of token requests.
	 */
	public static class Retry {

		/**
		 * HTTP attempts per token request for connection errors, timeouts and 5xx.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the second attempt; doubles per attempt, with jitter.
		 */
		private Duration initialBackoff = Duration.ofMillis(200);

		/**
		 * Longest wait between attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(2);

		/**
		 * How long, after a token request finally failed, callers get that failure at once
		 * instead of sending another request. Doubles with consecutive failures.
		 */
		private Duration failureCoolDown = Duration.ofSeconds(5);

		/**
		 * Longest cool-down after consecutive failures.
		 */
		private Duration maxFailureCoolDown = Duration.ofMinutes(1);

		/**
		 * Longest Retry-After (or x-ratelimit-reset) honoured after a 429.
		 */
		private Duration maxRetryAfter = Duration.ofMinutes(10);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getFailureCoolDown() {
			return this.failureCoolDown;
		}

		public void setFailureCoolDown(Duration failureCoolDown) {
			this.failureCoolDown = failureCoolDown;
		}

		public Duration getMaxFailureCoolDown() {
			return this.maxFailureCoolDown;
		}

		public void setMaxFailureCoolDown(Duration maxFailureCoolDown) {
			this.maxFailureCoolDown = maxFailureCoolDown;
		}

		public Duration getMaxRetryAfter() {
			return this.maxRetryAfter;
		}

		public void setMaxRetryAfter(Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
		}

	}

	/**
	 * Retry settings of one registration; unset values fall back to tokenkeeper.retry.*.
	 */
	public static class ClientRetry {

		/**
		 * HTTP attempts per token request for connection errors, timeouts and 5xx.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Wait before the second attempt.
		 */
		private @Nullable Duration initialBackoff;

		/**
		 * Longest wait between attempts.
		 */
		private @Nullable Duration maxBackoff;

		/**
		 * How long a failure is answered at once before a new request.
		 */
		private @Nullable Duration failureCoolDown;

		/**
		 * Longest cool-down after consecutive failures.
		 */
		private @Nullable Duration maxFailureCoolDown;

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(@Nullable Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public @Nullable Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(@Nullable Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public @Nullable Duration getFailureCoolDown() {
			return this.failureCoolDown;
		}

		public void setFailureCoolDown(@Nullable Duration failureCoolDown) {
			this.failureCoolDown = failureCoolDown;
		}

		public @Nullable Duration getMaxFailureCoolDown() {
			return this.maxFailureCoolDown;
		}

		public void setMaxFailureCoolDown(@Nullable Duration maxFailureCoolDown) {
			this.maxFailureCoolDown = maxFailureCoolDown;
		}

	}

	/**
	 * Clients registered while the application runs.
	 */
	public static class Runtime {

		/**
		 * Most clients found through a TokenKeeperClientSource kept at once; the least
		 * recently used leave first and are asked for again on their next use. Clients given
		 * to tokenKeeperClients.register stay until removed.
		 */
		private int maximumClients = 10_000;

		/**
		 * How long a client found through a TokenKeeperClientSource is kept without being
		 * used; it is asked for again on its next use.
		 */
		private Duration idleTimeout = Duration.ofHours(1);

		public int getMaximumClients() {
			return this.maximumClients;
		}

		public void setMaximumClients(int maximumClients) {
			this.maximumClients = maximumClients;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

	}

	/**
	 * The token cache.
	 */
	public static class Cache {

		/**
		 * Most tokens kept in memory.
		 */
		private long maximumSize = 10_000;

		public long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
		}

	}

	/**
	 * Replay of API requests answered with 401.
	 */
	public static class Replay {

		/**
		 * How long, after a replay with a fresh token was refused with 401 too, further 401s
		 * of that registration pass through without new token requests.
		 */
		private Duration unauthorizedCoolDown = Duration.ofSeconds(30);

		public Duration getUnauthorizedCoolDown() {
			return this.unauthorizedCoolDown;
		}

		public void setUnauthorizedCoolDown(Duration unauthorizedCoolDown) {
			this.unauthorizedCoolDown = unauthorizedCoolDown;
		}

	}

}
