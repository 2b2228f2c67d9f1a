package dev.tokenkeeper.actuate;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.tokenkeeper.autoconfigure.TokenKeeperProperties;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.cache.TokenStatus;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.TokenUris;

/**
 * The {@code tokenkeeper} Actuator endpoint: {@code GET /actuator/tokenkeeper} lists every
 * registration (profile, token URI, state, expiry, scopes, last refresh, last error),
 * {@code GET /actuator/tokenkeeper/{client}} shows one, and
 * {@code DELETE /actuator/tokenkeeper/{client}} drops its cached token so that the next call
 * requests a new one. Never shows a token, a client id or a secret.
 *
 * @author TokenKeeper
 */
@Endpoint(id = "tokenkeeper")
public class TokenKeeperEndpoint {

	private final TokenCache tokens;

	private final TokenKeeperProperties properties;

	/**
	 * Create the endpoint.
	 * @param tokens the token cache
	 * @param properties the configuration, read on each call for profile and token URI
	 */
	public TokenKeeperEndpoint(TokenCache tokens, TokenKeeperProperties properties) {
		this.tokens = tokens;
		this.properties = properties;
	}

	/**
	 * Every registration.
	 * @return the registrations by id
	 */
	@ReadOperation
	public ClientsDescriptor clients() {
		Map<String, ClientDescriptor> clients = new LinkedHashMap<>();
		Map<String, Integer> groups = new TreeMap<>();
		for (String id : this.tokens.registrationIds()) {
			String group = this.tokens.group(id);
			if (group != null) {
				// clients registered at run time may be many: counted, not listed
				groups.merge(group, 1, Integer::sum);
				continue;
			}
			ClientDescriptor client = client(id);
			if (client != null) {
				clients.put(id, client);
			}
		}
		return new ClientsDescriptor(clients, groups);
	}

	/**
	 * One registration.
	 * @param client the registration id
	 * @return the registration, or {@code null} when unknown
	 */
	@ReadOperation
	public @Nullable ClientDescriptor client(@Selector String client) {
		TokenStatus status = this.tokens.status(client);
		if (status == null) {
			return null;
		}
		TokenKeeperProperties.Client settings = (this.tokens.group(client) == null)
				? this.properties.getClients().get(client) : null;
		String profile = (settings != null) ? settings.getProfile().configName() : null;
		String tokenUri = (settings != null) ? tokenUri(settings.getTokenUri()) : null;
		if (settings == null) {
			ClientCredentials credentials = credentials(client);
			if (credentials != null) {
				profile = credentials.profile().configName();
				tokenUri = TokenUris.display(credentials.tokenUri());
			}
		}
		Collection<String> scopes = (!status.scopes().isEmpty() || settings == null) ? status.scopes()
				: settings.getScopes();
		return new ClientDescriptor(profile, tokenUri, status.state().name().toLowerCase(Locale.ROOT),
				status.expiresAt(), new ArrayList<>(scopes), status.lastRefresh(), status.lastError());
	}

	/**
	 * Drop a registration's cached token; counted as a {@code manual} invalidation.
	 * @param client the registration id
	 * @return what was done, or {@code null} when the registration is unknown
	 */
	@DeleteOperation
	public @Nullable EvictionDescriptor evict(@Selector String client) {
		if (!this.tokens.contains(client)) {
			return null;
		}
		return new EvictionDescriptor(client, this.tokens.evict(client));
	}

	/** A run-time client's credentials, for its profile and token URI (never shown: the secret). */
	private @Nullable ClientCredentials credentials(String client) {
		TokenRegistration registration = this.tokens.registration(client);
		try {
			return (registration != null) ? registration.credentials().get() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static @Nullable String tokenUri(@Nullable String configured) {
		if (configured == null) {
			return null;
		}
		try {
			return TokenUris.display(URI.create(configured.trim()));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * Every configured registration, by id, and how many clients registered at run time each
	 * group has.
	 *
	 * @param clients the configured registrations
	 * @param groups the number of run-time clients by group
	 */
	public record ClientsDescriptor(Map<String, ClientDescriptor> clients,
			Map<String, Integer> groups) implements OperationResponseBody {

	}

	/**
	 * One registration.
	 *
	 * @param profile the provider profile, e.g. {@code auth0}
	 * @param tokenUri the token endpoint, without query
	 * @param state {@code none}, {@code valid}, {@code expired} or {@code failed}
	 * @param expiresAt when the cached token expires, or {@code null}
	 * @param scopes the cached token's scopes, else those configured
	 * @param lastRefresh when the last token arrived, or {@code null}
	 * @param lastError the last failed token request since the last success, or {@code null}
	 */
	public record ClientDescriptor(@Nullable String profile, @Nullable String tokenUri, String state,
			@Nullable Instant expiresAt, Collection<String> scopes, @Nullable Instant lastRefresh,
			TokenStatus.@Nullable LastError lastError) implements OperationResponseBody {

	}

	/**
	 * The result of a {@code DELETE}.
	 *
	 * @param client the registration id
	 * @param evicted whether a token was cached
	 */
	public record EvictionDescriptor(String client, boolean evicted) implements OperationResponseBody {

	}

}
