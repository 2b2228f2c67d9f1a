package dev.tokenkeeper.cache;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.TokenFingerprint;

/**
 * A cached token with the instants that govern its use, all precomputed so that handing it
 * out costs no parsing or arithmetic. {@link #toString()} shows a fingerprint, never the
 * token.
 *
 * @author TokenKeeper
 */
public final class CachedToken {

	private final String registrationId;

	private final String value;

	private final Set<String> scopes;

	/** Made on first use, as {@link #clientRegistration()} is: only Spring Security's API needs it. */
	private volatile @Nullable OAuth2AccessToken accessToken;

	/** What {@link #clientRegistration()} is made from, on first use: most tokens never need it. */
	private final ClientCredentials credentials;

	private volatile @Nullable ClientRegistration clientRegistration;

	private final Instant receivedAt;

	private final Instant expiresAt;

	private final long usableUntilMillis;

	private final long refreshAtMillis;

	/**
	 * Whether this token was fetched after a 401 dropped the one before it and no API has
	 * accepted it since: a 401 on it means fresh tokens are refused too.
	 */
	private volatile boolean replacesRefused;

	/** The last principal's authorized client: service calls use one principal, so hits allocate nothing. */
	private volatile @Nullable Authorized lastAuthorized;

	/** The proofs a DPoP-bound token is sent with, or {@code null} for a bearer token. */
	private final @Nullable DpopProofs dpop;

	CachedToken(String registrationId, String value, Set<String> scopes, Instant receivedAt, Instant expiresAt,
			ClientCredentials credentials, Instant usableUntil, Instant refreshAt, @Nullable DpopProofs dpop) {
		// as Spring Security's token would refuse it, though that is made only when asked for
		if (!expiresAt.isAfter(receivedAt)) {
			throw new IllegalArgumentException("expiresAt must be after issuedAt");
		}
		this.dpop = dpop;
		this.registrationId = registrationId;
		this.value = value;
		this.scopes = (scopes.isEmpty()) ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
		this.credentials = credentials;
		this.receivedAt = receivedAt;
		this.expiresAt = expiresAt;
		this.usableUntilMillis = usableUntil.toEpochMilli();
		this.refreshAtMillis = refreshAt.toEpochMilli();
	}

	/**
	 * The registration id.
	 * @return the id
	 */
	public String registrationId() {
		return this.registrationId;
	}

	/**
	 * The bearer token to send.
	 * @return the token value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * The DPoP proofs this token must be sent with: it is DPoP-bound, and goes out as
	 * {@code Authorization: DPoP} with a fresh proof per request.
	 * @return the proofs, or {@code null} for a bearer token
	 */
	public @Nullable DpopProofs dpop() {
		return this.dpop;
	}

	/**
	 * The token in Spring Security's form.
	 * @return the access token
	 */
	public OAuth2AccessToken accessToken() {
		OAuth2AccessToken accessToken = this.accessToken;
		if (accessToken == null) {
			// equal whichever thread makes it first
			accessToken = new OAuth2AccessToken(
					(this.dpop != null) ? OAuth2AccessToken.TokenType.DPOP : OAuth2AccessToken.TokenType.BEARER,
					this.value, this.receivedAt, this.expiresAt, this.scopes);
			this.accessToken = accessToken;
		}
		return accessToken;
	}

	/**
	 * A description of the registration for Spring Security's API; carries no secret.
	 * @return the client registration
	 */
	public ClientRegistration clientRegistration() {
		ClientRegistration registration = this.clientRegistration;
		if (registration == null) {
			// equal whichever thread makes it first
			registration = clientRegistration(this.credentials);
			this.clientRegistration = registration;
		}
		return registration;
	}

	/** Spring Security's view of the registration, without the secret (its toString prints it). */
	private static ClientRegistration clientRegistration(ClientCredentials credentials) {
		return ClientRegistration.withRegistrationId(credentials.registrationId())
			.clientId(credentials.clientId())
			.clientAuthenticationMethod(new ClientAuthenticationMethod(credentials.clientAuthentication().oauthName()))
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(credentials.tokenUri().toString())
			.scope(credentials.scopes())
			.build();
	}

	/**
	 * The granted scopes.
	 * @return the scopes
	 */
	public Set<String> scopes() {
		return this.scopes;
	}

	/**
	 * When the token response arrived.
	 * @return the instant
	 */
	public Instant receivedAt() {
		return this.receivedAt;
	}

	/**
	 * When the token expires: {@code receivedAt + lifetime}.
	 * @return the instant
	 */
	public Instant expiresAt() {
		return this.expiresAt;
	}

	/**
	 * The instant after which the token is never sent.
	 * @return {@code expiresAt - skew}
	 */
	public Instant usableUntil() {
		return Instant.ofEpochMilli(this.usableUntilMillis);
	}

	/**
	 * The instant after which a lookup starts a background refresh.
	 * @return the refresh-ahead point
	 */
	public Instant refreshAt() {
		return Instant.ofEpochMilli(this.refreshAtMillis);
	}

	long usableUntilMillis() {
		return this.usableUntilMillis;
	}

	long refreshAtMillis() {
		return this.refreshAtMillis;
	}

	boolean replacesRefused() {
		return this.replacesRefused;
	}

	void replacesRefused(boolean replacesRefused) {
		// read first: a response on a token that never replaced a refused one writes nothing
		if (this.replacesRefused != replacesRefused) {
			this.replacesRefused = replacesRefused;
		}
	}

	/**
	 * This token as Spring Security's authorized client of the given principal (tokens are
	 * per registration, never per principal).
	 * @param principalName the principal asking
	 * @return the authorized client
	 */
	public Mono<OAuth2AuthorizedClient> authorizedClient(String principalName) {
		Authorized last = this.lastAuthorized;
		if (last != null && last.principalName().equals(principalName)) {
			return last.client();
		}
		Mono<OAuth2AuthorizedClient> client = Mono
			.just(new OAuth2AuthorizedClient(clientRegistration(), principalName, accessToken()));
		this.lastAuthorized = new Authorized(principalName, client);
		return client;
	}

	private record Authorized(String principalName, Mono<OAuth2AuthorizedClient> client) {

	}

	/**
	 * The token's fingerprint, safe to log.
	 * @return a short hash
	 */
	public String fingerprint() {
		return TokenFingerprint.of(this.value);
	}

	@Override
	public String toString() {
		return "CachedToken[registrationId=" + this.registrationId + ", fingerprint=" + fingerprint() + ", expiresAt="
				+ this.expiresAt + ((this.dpop != null) ? ", DPoP" : "") + "]";
	}

}
