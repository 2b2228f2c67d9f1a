package dev.tokenkeeper.assertion;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.ClientAssertions;
import dev.tokenkeeper.token.ClientCredentials;

/**
 * RFC 7523 client assertions, signed with Nimbus JOSE: header {@code alg}, {@code kid}
 * (not for {@code client-secret-jwt}) and {@code typ: JWT}; claims {@code iss} = {@code sub}
 * = client id, {@code aud} one string (the token URI, or the configured audience),
 * {@code jti} of 192 random bits, {@code iat} the current second (never ahead of the clock)
 * and {@code exp} = {@code iat} + lifetime. One per token request; the signer is built once
 * per key.
 *
 * @author TokenKeeper
 */
public final class JwtClientAssertions implements ClientAssertions {

	private static final int JTI_BYTES = 24;

	private final @Nullable SigningKeys keys;

	private final JWSAlgorithm hmacAlgorithm;

	private final Duration lifetime;

	private final @Nullable String audience;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private volatile @Nullable HmacSigner hmacSigner;

	private JwtClientAssertions(@Nullable SigningKeys keys, JWSAlgorithm hmacAlgorithm, Duration lifetime,
			@Nullable String audience, Clock clock) {
		this.keys = keys;
		this.hmacAlgorithm = hmacAlgorithm;
		this.lifetime = lifetime;
		this.audience = audience;
		this.clock = clock;
	}

	/**
	 * Assertions signed with a private key ({@code private-key-jwt}).
	 * @param keys the registration's signing keys
	 * @param lifetime {@code exp − iat}
	 * @param audience the {@code aud}, or {@code null} for the token URI
	 * @param clock the clock {@code iat} is read from
	 * @return the assertions
	 */
	public static JwtClientAssertions privateKey(SigningKeys keys, Duration lifetime, @Nullable String audience,
			Clock clock) {
		return new JwtClientAssertions(keys, JWSAlgorithm.RS256, lifetime, audience, clock);
	}

	/**
	 * Assertions signed with HMAC over the client secret ({@code client-secret-jwt}).
	 * @param algorithm HS256, HS384 or HS512
	 * @param lifetime {@code exp − iat}
	 * @param audience the {@code aud}, or {@code null} for the token URI
	 * @param clock the clock {@code iat} is read from
	 * @return the assertions
	 */
	public static JwtClientAssertions clientSecret(JWSAlgorithm algorithm, Duration lifetime,
			@Nullable String audience, Clock clock) {
		return new JwtClientAssertions(null, algorithm, lifetime, audience, clock);
	}

	@Override
	public String create(ClientCredentials credentials) {
		JWSHeader header;
		JWSSigner signer;
		if (this.keys != null) {
			SigningKey key = this.keys.signingKey();
			header = new JWSHeader.Builder(key.algorithm()).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
			signer = key.signer();
		}
		else {
			header = new JWSHeader.Builder(this.hmacAlgorithm).type(JOSEObjectType.JWT).build();
			signer = hmacSigner(credentials.clientSecret());
		}
		// NumericDate has whole seconds: truncating never puts iat ahead of the clock
		Instant issuedAt = Instant.ofEpochSecond(this.clock.instant().getEpochSecond());
		String clientId = credentials.clientId();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId)
			.subject(clientId)
			.audience((this.audience != null) ? this.audience : credentials.tokenUri().toString())
			.jwtID(jti())
			.issueTime(Date.from(issuedAt))
			.expirationTime(Date.from(issuedAt.plus(this.lifetime)))
			.build();
		SignedJWT jwt = new SignedJWT(header, claims);
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			// the message of a signing failure names no key material, but keep it out anyway
			throw new IllegalStateException("Registration '" + credentials.registrationId()
					+ "' could not sign its client assertion (" + header.getAlgorithm() + ")");
		}
		return jwt.serialize();
	}

	private String jti() {
		byte[] bytes = new byte[JTI_BYTES];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** The HMAC signer of the current secret; built again only when the secret changes. */
	private JWSSigner hmacSigner(@Nullable String secret) {
		if (secret == null) {
			throw new IllegalStateException("client-secret-jwt needs the client secret");
		}
		HmacSigner cached = this.hmacSigner;
		if (cached != null && cached.secret.equals(secret)) {
			return cached.signer;
		}
		try {
			MACSigner signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
			this.hmacSigner = new HmacSigner(secret, signer);
			return signer;
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("client-secret is too short for " + this.hmacAlgorithm
					+ ": at least " + SigningAlgorithms.minimumSecretBytes(this.hmacAlgorithm) + " bytes are needed");
		}
	}

	/**
	 * The registration's signing keys, for the JWK Set.
	 * @return the keys, or {@code null} for {@code client-secret-jwt}
	 */
	public @Nullable SigningKeys signingKeys() {
		return this.keys;
	}

	@Override
	public String toString() {
		return "JwtClientAssertions[" + ((this.keys != null) ? this.keys : this.hmacAlgorithm) + ", lifetime="
				+ this.lifetime + "]";
	}

	private record HmacSigner(String secret, JWSSigner signer) {

		@Override
		public String toString() {
			return "HmacSigner[******]";
		}

	}

}
