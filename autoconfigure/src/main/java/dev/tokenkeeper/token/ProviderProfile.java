package dev.tokenkeeper.token;

import java.util.Set;

/**
 * The dialect a token endpoint speaks: how the body is encoded, where the client
 * authenticates and which fields are sent. The profiles differ only in this data; one
 * {@link TokenRequest} builder reads it.
 *
 * @author TokenKeeper
 */
public enum ProviderProfile {

	/** Auth0 tenants: JSON body with {@code audience}, credentials in the body. */
	AUTH0(BodyFormat.JSON, ClientAuthentication.BODY, true, true, true),

	/** RFC 6749 servers (PokitDok, Keycloak): form body, HTTP Basic authentication. */
	BASIC_FORM(BodyFormat.FORM, ClientAuthentication.BASIC, true, true, true),

	/** Canvas Medical: form body with the credentials in it. */
	POST_FORM(BodyFormat.FORM, ClientAuthentication.BODY, true, true, true),

	/** Candid Health {@code /api/auth/v2/token}: JSON body of {@code client_id} and {@code client_secret} only. */
	CANDID_JSON(BodyFormat.JSON, ClientAuthentication.BODY, false, false, false);

	/** Fields a profile may send itself; {@code additional-parameters} may not repeat them. */
	public static final Set<String> RESERVED_FIELDS = Set.of("grant_type", "client_id", "client_secret", "audience",
			"scope");

	private final BodyFormat bodyFormat;

	private final ClientAuthentication clientAuthentication;

	private final boolean sendsGrantType;

	private final boolean acceptsAudienceAndScopes;

	private final boolean acceptsAdditionalParameters;

	ProviderProfile(BodyFormat bodyFormat, ClientAuthentication clientAuthentication, boolean sendsGrantType,
			boolean acceptsAudienceAndScopes, boolean acceptsAdditionalParameters) {
		this.bodyFormat = bodyFormat;
		this.clientAuthentication = clientAuthentication;
		this.sendsGrantType = sendsGrantType;
		this.acceptsAudienceAndScopes = acceptsAudienceAndScopes;
		this.acceptsAdditionalParameters = acceptsAdditionalParameters;
	}

	BodyFormat bodyFormat() {
		return this.bodyFormat;
	}

	ClientAuthentication clientAuthentication() {
		return this.clientAuthentication;
	}

	boolean sendsGrantType() {
		return this.sendsGrantType;
	}

	/**
	 * Whether this profile sends {@code audience} and {@code scope}.
	 * @return {@code false} for {@link #CANDID_JSON}
	 */
	public boolean acceptsAudienceAndScopes() {
		return this.acceptsAudienceAndScopes;
	}

	/**
	 * Whether this profile sends {@code additional-parameters}.
	 * @return {@code false} for {@link #CANDID_JSON}
	 */
	public boolean acceptsAdditionalParameters() {
		return this.acceptsAdditionalParameters;
	}

	/**
	 * Whether this profile cannot work without an {@code audience}.
	 * @return {@code true} for {@link #AUTH0}
	 */
	public boolean requiresAudience() {
		return this == AUTH0;
	}

	/**
	 * The name used in configuration, e.g. {@code basic-form}.
	 * @return the lower-case, dashed name
	 */
	public String configName() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	enum BodyFormat {

		JSON, FORM

	}

	enum ClientAuthentication {

		BASIC, BODY

	}

}
