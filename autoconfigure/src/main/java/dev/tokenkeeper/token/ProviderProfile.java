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
	AUTH0(BodyFormat.JSON, ClientAuthentication.CLIENT_SECRET_POST, Fields.ALL, false, true),

	/** RFC 6749 servers (PokitDok, Keycloak): form body, HTTP Basic authentication. */
	BASIC_FORM(BodyFormat.FORM, ClientAuthentication.CLIENT_SECRET_BASIC, Fields.ALL, false, true),

	/** Canvas Medical: form body with the credentials in it. */
	POST_FORM(BodyFormat.FORM, ClientAuthentication.CLIENT_SECRET_POST, Fields.ALL, false, true),

	/** Candid Health {@code /api/auth/v2/token}: JSON body of {@code client_id} and {@code client_secret} only. */
	CANDID_JSON(BodyFormat.JSON, ClientAuthentication.CLIENT_SECRET_POST, Fields.NONE, true, true),

	/**
	 * SMART on FHIR Backend Services (Epic, Oracle Health): form body of exactly
	 * {@code grant_type}, {@code scope}, {@code client_assertion_type} and
	 * {@code client_assertion}, signed RS384 or ES384.
	 */
	SMART_BACKEND(BodyFormat.FORM, ClientAuthentication.PRIVATE_KEY_JWT, Fields.SCOPES_REQUIRED, true, false);

	/** Fields a profile may send itself; {@code additional-parameters} may not repeat them. */
	public static final Set<String> RESERVED_FIELDS = Set.of("grant_type", "client_id", "client_secret", "audience",
			"scope", "client_assertion_type", "client_assertion");

	private final BodyFormat bodyFormat;

	private final ClientAuthentication defaultClientAuthentication;

	private final Fields fields;

	private final boolean onlyItsOwnAuthentication;

	private final boolean sendsClientIdWithAssertion;

	ProviderProfile(BodyFormat bodyFormat, ClientAuthentication defaultClientAuthentication, Fields fields,
			boolean onlyItsOwnAuthentication, boolean sendsClientIdWithAssertion) {
		this.bodyFormat = bodyFormat;
		this.defaultClientAuthentication = defaultClientAuthentication;
		this.fields = fields;
		this.onlyItsOwnAuthentication = onlyItsOwnAuthentication;
		this.sendsClientIdWithAssertion = sendsClientIdWithAssertion;
	}

	BodyFormat bodyFormat() {
		return this.bodyFormat;
	}

	/**
	 * How clients of this profile authenticate unless {@code client-authentication} says
	 * otherwise.
	 * @return the profile's own method
	 */
	public ClientAuthentication defaultClientAuthentication() {
		return this.defaultClientAuthentication;
	}

	/**
	 * Whether this profile can authenticate a client the given way.
	 * @param clientAuthentication the method
	 * @return {@code false} for a method other than its own where the provider takes only that
	 * ({@link #CANDID_JSON}, {@link #SMART_BACKEND})
	 */
	public boolean supports(ClientAuthentication clientAuthentication) {
		return !this.onlyItsOwnAuthentication || clientAuthentication == this.defaultClientAuthentication;
	}

	boolean sendsGrantType() {
		return this.fields != Fields.NONE;
	}

	/** SMART Backend Services: the assertion's {@code iss} and {@code sub} name the client. */
	boolean sendsClientIdWithAssertion() {
		return this.sendsClientIdWithAssertion;
	}

	/**
	 * Whether this profile sends {@code audience} and {@code scope}.
	 * @return {@code false} for {@link #CANDID_JSON} and {@link #SMART_BACKEND}
	 */
	public boolean acceptsAudienceAndScopes() {
		return acceptsAudience() && acceptsScopes();
	}

	/**
	 * Whether this profile sends {@code audience}.
	 * @return {@code false} for {@link #CANDID_JSON} and {@link #SMART_BACKEND}
	 */
	public boolean acceptsAudience() {
		return this.fields == Fields.ALL;
	}

	/**
	 * Whether this profile sends {@code scope}.
	 * @return {@code false} for {@link #CANDID_JSON}
	 */
	public boolean acceptsScopes() {
		return this.fields != Fields.NONE;
	}

	/**
	 * Whether this profile cannot work without {@code scopes}.
	 * @return {@code true} for {@link #SMART_BACKEND}
	 */
	public boolean requiresScopes() {
		return this.fields == Fields.SCOPES_REQUIRED;
	}

	/**
	 * Whether this profile sends {@code additional-parameters}.
	 * @return {@code false} for {@link #CANDID_JSON} and {@link #SMART_BACKEND}
	 */
	public boolean acceptsAdditionalParameters() {
		return this.fields == Fields.ALL;
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

	/** Which optional fields a profile sends. */
	private enum Fields {

		/** {@code grant_type}, {@code audience}, {@code scope} and extras. */
		ALL,

		/** {@code grant_type} and a required {@code scope}; nothing else (SMART). */
		SCOPES_REQUIRED,

		/** No {@code grant_type}, nothing optional (Candid). */
		NONE

	}

}
