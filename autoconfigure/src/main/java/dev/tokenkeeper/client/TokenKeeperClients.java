package dev.tokenkeeper.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients TokenKeeper serves, changed while the application runs: the bean
 * {@code tokenKeeperClients}. A client registered here behaves like one configured under
 * {@code tokenkeeper.clients.<id>} (single flight, refresh ahead, 401 replay, fleet mode) and
 * is reached by {@code TokenKeeperAttributes.client(id)} or its {@code base-urls}.
 * <p>
 * Properties have the names they have under {@code tokenkeeper.clients.<id>}
 * ({@code token-uri}, {@code client-id}, {@code client-secret}, {@code scopes},
 * {@code base-urls}, …) and are bound and validated by the same code: values as Boot's
 * binder takes them (a {@code List} or a comma-separated string for lists, {@code 30s} for
 * durations, nested maps or dotted names for nested properties). An invalid client throws
 * the exception start-up throws, naming each {@code tokenkeeper.clients.<id>.<property>}
 * and never a value, and changes nothing. One more property, {@code group} (default
 * {@code runtime}), is the {@code client} tag of its meters.
 *
 * @author TokenKeeper
 */
public interface TokenKeeperClients {

	/**
	 * The name of the bean.
	 */
	String BEAN_NAME = "tokenKeeperClients";

	/**
	 * Register a client, or replace the one of that id: a replaced client's token is dropped
	 * and the next token request uses the new properties; a token request still in flight
	 * with the old ones is never cached for the new ones.
	 * @param id the registration id
	 * @param properties the properties, named as under {@code tokenkeeper.clients.<id>}
	 * @return whether a client of that id was replaced
	 * @throws dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException when a
	 * property is invalid; nothing is changed then
	 */
	boolean register(String id, Map<String, ?> properties);

	/**
	 * Remove a client: its token is dropped, requests to its base URLs go out untouched and a
	 * request naming it fails as for any unknown id.
	 * @param id the registration id
	 * @return whether it was known
	 */
	boolean remove(String id);

	/**
	 * Whether a client of this id is served now, configured or registered.
	 * @param id the registration id
	 * @return whether it is served
	 */
	boolean contains(String id);

	/**
	 * A typed builder for {@link #register(String, Map)}.
	 * @param id the registration id
	 * @return the builder
	 */
	default Builder client(String id) {
		return new Builder(this, id);
	}

	/**
	 * Collects the properties of one client; {@link #register()} registers it.
	 */
	final class Builder {

		private final TokenKeeperClients clients;

		private final String id;

		private final Map<String, Object> properties = new LinkedHashMap<>();

		Builder(TokenKeeperClients clients, String id) {
			this.clients = clients;
			this.id = id;
		}

		/**
		 * The provider profile, e.g. {@code auth0} ({@code profile}).
		 * @param profile the profile's configuration name
		 * @return this builder
		 */
		public Builder profile(String profile) {
			return property("profile", profile);
		}

		/**
		 * The token endpoint ({@code token-uri}).
		 * @param tokenUri the URI
		 * @return this builder
		 */
		public Builder tokenUri(String tokenUri) {
			return property("token-uri", tokenUri);
		}

		/**
		 * The OAuth2 client id ({@code client-id}).
		 * @param clientId the client id
		 * @return this builder
		 */
		public Builder clientId(String clientId) {
			return property("client-id", clientId);
		}

		/**
		 * The OAuth2 client secret ({@code client-secret}).
		 * @param clientSecret the secret
		 * @return this builder
		 */
		public Builder clientSecret(String clientSecret) {
			return property("client-secret", clientSecret);
		}

		/**
		 * The audience ({@code audience}).
		 * @param audience the audience
		 * @return this builder
		 */
		public Builder audience(String audience) {
			return property("audience", audience);
		}

		/**
		 * The scopes ({@code scopes}).
		 * @param scopes the scopes
		 * @return this builder
		 */
		public Builder scopes(String... scopes) {
			return property("scopes", List.of(scopes));
		}

		/**
		 * The base URLs whose requests get this client's token ({@code base-urls}).
		 * @param baseUrls the base URLs
		 * @return this builder
		 */
		public Builder baseUrls(String... baseUrls) {
			return property("base-urls", List.of(baseUrls));
		}

		/**
		 * The {@code client} tag of its meters ({@code group}, default {@code runtime}).
		 * @param group the group
		 * @return this builder
		 */
		public Builder group(String group) {
			return property("group", group);
		}

		/**
		 * How long before expiry a token is no longer used ({@code expiry-skew}).
		 * @param expirySkew the skew
		 * @return this builder
		 */
		public Builder expirySkew(Duration expirySkew) {
			return property("expiry-skew", expirySkew);
		}

		/**
		 * Any other property, named as under {@code tokenkeeper.clients.<id>}, e.g.
		 * {@code client-authentication} or {@code additional-parameters.resource}.
		 * @param name the property name
		 * @param value its value
		 * @return this builder
		 */
		public Builder property(String name, Object value) {
			this.properties.put(name, value);
			return this;
		}

		/**
		 * Register the client, as {@link TokenKeeperClients#register(String, Map)} does.
		 * @return whether a client of that id was replaced
		 */
		public boolean register() {
			return this.clients.register(this.id, this.properties);
		}

	}

}
