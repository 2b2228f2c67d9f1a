package dev.tokenkeeper.token;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.dpop.DpopProofs;

/**
 * What one token request is made of: the registration it serves and what the provider
 * needs. Read afresh for every token request so that refreshed configuration applies.
 * {@link #toString()} never shows the secret.
 *
 * @param registrationId the registration id
 * @param profile the provider profile
 * @param tokenUri the token endpoint
 * @param clientId the OAuth2 client id
 * @param clientSecret the OAuth2 client secret
 * @param audience the audience, or {@code null}
 * @param scopes the scopes, possibly empty
 * @param additionalParameters extra fields for every token request
 * @param clientAuthentication how the client authenticates
 * @param assertions the {@code client_assertion} factory of the JWT methods, else
 * {@code null}
 * @param dpop the registration's DPoP proofs when {@code dpop.enabled}, else {@code null}
 * @author TokenKeeper
 */
public record ClientCredentials(String registrationId, ProviderProfile profile, URI tokenUri, String clientId,
		@Nullable String clientSecret, @Nullable String audience, List<String> scopes,
		Map<String, String> additionalParameters, ClientAuthentication clientAuthentication,
		@Nullable ClientAssertions assertions, @Nullable DpopProofs dpop) {

	public ClientCredentials {
		scopes = List.copyOf(scopes);
		// configuration order, so the wire is stable (Map.copyOf's order varies per JVM)
		additionalParameters = additionalParameters.isEmpty() ? Map.of()
				: Collections.unmodifiableMap(new LinkedHashMap<>(additionalParameters));
		if (clientAuthentication.usesAssertion() && assertions == null) {
			throw new IllegalArgumentException(clientAuthentication.configName() + " needs client assertions");
		}
	}

	/**
	 * Credentials that authenticate the profile's own way, with the client secret.
	 * @param registrationId the registration id
	 * @param profile the provider profile
	 * @param tokenUri the token endpoint
	 * @param clientId the OAuth2 client id
	 * @param clientSecret the OAuth2 client secret
	 * @param audience the audience, or {@code null}
	 * @param scopes the scopes, possibly empty
	 * @param additionalParameters extra fields for every token request
	 */
	public ClientCredentials(String registrationId, ProviderProfile profile, URI tokenUri, String clientId,
			@Nullable String clientSecret, @Nullable String audience, List<String> scopes,
			Map<String, String> additionalParameters) {
		this(registrationId, profile, tokenUri, clientId, clientSecret, audience, scopes, additionalParameters,
				profile.defaultClientAuthentication(), null, null);
	}

	/**
	 * Credentials with client authentication and without DPoP.
	 * @param registrationId the registration id
	 * @param profile the provider profile
	 * @param tokenUri the token endpoint
	 * @param clientId the OAuth2 client id
	 * @param clientSecret the OAuth2 client secret, or {@code null}
	 * @param audience the audience, or {@code null}
	 * @param scopes the scopes, possibly empty
	 * @param additionalParameters extra fields for every token request
	 * @param clientAuthentication how the client authenticates
	 * @param assertions the {@code client_assertion} factory of the JWT methods, else
	 * {@code null}
	 */
	public ClientCredentials(String registrationId, ProviderProfile profile, URI tokenUri, String clientId,
			@Nullable String clientSecret, @Nullable String audience, List<String> scopes,
			Map<String, String> additionalParameters, ClientAuthentication clientAuthentication,
			@Nullable ClientAssertions assertions) {
		this(registrationId, profile, tokenUri, clientId, clientSecret, audience, scopes, additionalParameters,
				clientAuthentication, assertions, null);
	}

	/**
	 * These credentials with DPoP proofs.
	 * @param dpop the DPoP proofs, or {@code null}
	 * @return the credentials
	 */
	public ClientCredentials withDpop(@Nullable DpopProofs dpop) {
		return new ClientCredentials(this.registrationId, this.profile, this.tokenUri, this.clientId,
				this.clientSecret, this.audience, this.scopes, this.additionalParameters, this.clientAuthentication,
				this.assertions, dpop);
	}

	/**
	 * These credentials for another token endpoint, such as one discovered from the
	 * registration's {@code issuer-uri}.
	 * @param tokenUri the token endpoint
	 * @return the credentials
	 */
	public ClientCredentials withTokenUri(URI tokenUri) {
		return new ClientCredentials(this.registrationId, this.profile, tokenUri, this.clientId, this.clientSecret,
				this.audience, this.scopes, this.additionalParameters, this.clientAuthentication, this.assertions,
				this.dpop);
	}

	@Override
	public String toString() {
		return "ClientCredentials[registrationId=" + this.registrationId + ", profile=" + this.profile.configName()
				+ ", clientAuthentication=" + this.clientAuthentication.configName() + ", tokenUri=" + this.tokenUri
				+ ", clientId=" + this.clientId + ", clientSecret=******"
				+ ", audience=" + this.audience + ", scopes=" + this.scopes
				+ ((this.dpop != null) ? ", dpop=" + this.dpop.key().thumbprint() : "") + "]";
	}

}
