package dev.tokenkeeper.test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes a DPoP proof as a verifier would and checks what every proof must be: {@code typ}
 * {@code dpop+jwt}, a public {@code jwk} only, and a signature that key verifies.
 */
public final class DpopProofChecks {

	private static final byte[] ED25519_PREFIX = Base64.getDecoder().decode("MCowBQYDK2VwAyEA");

	private DpopProofChecks() {
	}

	/**
	 * Decode and check one proof.
	 * @param proof the {@code DPoP} header value
	 * @return the proof
	 */
	public static Proof verified(String proof) {
		assertThat(proof).as("DPoP header").isNotNull();
		try {
			SignedJWT jwt = SignedJWT.parse(proof);
			JWSHeader header = jwt.getHeader();
			assertThat(header.getType()).isEqualTo(new JOSEObjectType("dpop+jwt"));
			JWK jwk = header.getJWK();
			assertThat(jwk).as("jwk").isNotNull();
			assertThat(jwk.isPrivate()).as("jwk carries a private part").isFalse();
			assertThat(jwk.toJSONObject()).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi");
			assertThat(verify(jwt, jwk)).as("signature verified by the jwk").isTrue();
			return new Proof(header, jwt.getJWTClaimsSet(), jwk.computeThumbprint().toString());
		}
		catch (ParseException | com.nimbusds.jose.JOSEException | java.security.GeneralSecurityException ex) {
			throw new AssertionError("Not a valid DPoP proof: " + ex, ex);
		}
	}

	private static boolean verify(SignedJWT jwt, JWK jwk)
			throws com.nimbusds.jose.JOSEException, java.security.GeneralSecurityException {
		if (jwk instanceof OctetKeyPair okp) {
			// Nimbus verifies Ed25519 only with Tink; the JDK does it alone
			byte[] raw = okp.getX().decode();
			byte[] spki = Arrays.copyOf(ED25519_PREFIX, ED25519_PREFIX.length + raw.length);
			System.arraycopy(raw, 0, spki, ED25519_PREFIX.length, raw.length);
			PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
			Signature verifier = Signature.getInstance("Ed25519");
			verifier.initVerify(key);
			verifier.update(jwt.getSigningInput());
			return verifier.verify(jwt.getSignature().decode());
		}
		JWSVerifier verifier = (jwk instanceof RSAKey rsa) ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) jwk);
		return jwt.verify(verifier);
	}

	/**
	 * The {@code ath} of a token: base64url of its SHA-256.
	 * @param token the access token
	 * @return the hash
	 */
	public static String ath(String token) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A decoded, verified proof.
	 *
	 * @param header the JWS header
	 * @param claims the claims
	 * @param thumbprint the RFC 7638 thumbprint of its jwk
	 */
	public record Proof(JWSHeader header, JWTClaimsSet claims, String thumbprint) {

		public String claim(String name) {
			Object value = this.claims.getClaim(name);
			return (value != null) ? value.toString() : null;
		}

		public long iat() {
			return this.claims.getIssueTime().toInstant().getEpochSecond();
		}

	}

}
