package dev.tokenkeeper.assertion;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.assertion.InvalidSigningKeyException.Subject;

/**
 * One private key ready to sign: its signer is built once, here, and reused for every
 * assertion. Holds the public JWK ({@code kty}, {@code kid}, {@code alg}, {@code use: sig},
 * public parts only) for the JWK Set. {@link #toString()} shows the key id and algorithm
 * only.
 *
 * @author TokenKeeper
 */
public final class SigningKey {

	private final String keyId;

	private final JWSAlgorithm algorithm;

	private final JWSSigner signer;

	private final JWK publicJwk;

	private SigningKey(String keyId, JWSAlgorithm algorithm, JWSSigner signer, JWK publicJwk) {
		this.keyId = keyId;
		this.algorithm = algorithm;
		this.signer = signer;
		this.publicJwk = publicJwk;
	}

	static SigningKey of(KeyPair keyPair, SigningAlgorithms algorithms, @Nullable String keyId) {
		JWSAlgorithm algorithm = algorithms.resolve(keyPair.getPublic());
		try {
			if (keyPair.getPublic() instanceof RSAPublicKey rsa) {
				RSAKey.Builder builder = new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).algorithm(algorithm);
				String kid = (keyId != null) ? keyId : builder.build().computeThumbprint().toString();
				return new SigningKey(kid, algorithm, new RSASSASigner(keyPair.getPrivate()),
						builder.keyID(kid).build());
			}
			ECPublicKey ec = (ECPublicKey) keyPair.getPublic();
			ECKey.Builder builder = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(algorithm);
			String kid = (keyId != null) ? keyId : builder.build().computeThumbprint().toString();
			return new SigningKey(kid, algorithm, new ECDSASigner((ECPrivateKey) keyPair.getPrivate()),
					builder.keyID(kid).build());
		}
		catch (JOSEException ex) {
			throw new InvalidSigningKeyException(Subject.KEY, "cannot sign " + algorithm.getName());
		}
	}

	/**
	 * The {@code kid}: the configured key id, else the RFC 7638 SHA-256 thumbprint.
	 * @return the key id
	 */
	public String keyId() {
		return this.keyId;
	}

	/**
	 * The algorithm the key signs with.
	 * @return the algorithm
	 */
	public JWSAlgorithm algorithm() {
		return this.algorithm;
	}

	JWSSigner signer() {
		return this.signer;
	}

	/**
	 * The public key as a JWK, without any private part.
	 * @return the public JWK
	 */
	public JWK publicJwk() {
		return this.publicJwk.toPublicJWK();
	}

	@Override
	public String toString() {
		return "SigningKey[kid=" + this.keyId + ", alg=" + this.algorithm + "]";
	}

}
