package dev.tokenkeeper.token;

import java.util.Locale;

/**
 * How a client proves its identity at the token endpoint
 * ({@code tokenkeeper.clients.<id>.client-authentication}). Orthogonal to the profile's
 * body format: the one {@link TokenRequest} builder puts the credentials where the method
 * says, in the body the profile says.
 *
 * @author TokenKeeper
 */
public enum ClientAuthentication {

	/** {@code Authorization: Basic} of the form-urlencoded id and secret (RFC 6749 §2.3.1). */
	CLIENT_SECRET_BASIC,

	/** {@code client_id} and {@code client_secret} in the body. */
	CLIENT_SECRET_POST,

	/** A JWT assertion (RFC 7523) signed with HMAC over the client secret. */
	CLIENT_SECRET_JWT,

	/** A JWT assertion (RFC 7523) signed with the client's private key. */
	PRIVATE_KEY_JWT,

	/** The client certificate of a TLS connection from a CA-issued certificate (RFC 8705). */
	TLS_CLIENT_AUTH,

	/** The client certificate of a TLS connection, self-signed and registered (RFC 8705). */
	SELF_SIGNED_TLS_CLIENT_AUTH;

	/**
	 * Whether this method needs {@code client-secret}.
	 * @return {@code true} for the secret-based methods
	 */
	public boolean usesClientSecret() {
		return this == CLIENT_SECRET_BASIC || this == CLIENT_SECRET_POST || this == CLIENT_SECRET_JWT;
	}

	/**
	 * Whether this method sends a {@code client_assertion}.
	 * @return {@code true} for {@link #CLIENT_SECRET_JWT} and {@link #PRIVATE_KEY_JWT}
	 */
	public boolean usesAssertion() {
		return this == CLIENT_SECRET_JWT || this == PRIVATE_KEY_JWT;
	}

	/**
	 * Whether this method authenticates with the TLS client certificate.
	 * @return {@code true} for the two TLS methods
	 */
	public boolean usesTlsCertificate() {
		return this == TLS_CLIENT_AUTH || this == SELF_SIGNED_TLS_CLIENT_AUTH;
	}

	/**
	 * The name used in configuration, e.g. {@code private-key-jwt}.
	 * @return the lower-case, dashed name
	 */
	public String configName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The name OAuth2 uses (RFC 7591 {@code token_endpoint_auth_method}), e.g.
	 * {@code private_key_jwt}.
	 * @return the lower-case, underscored name
	 */
	public String oauthName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
