package dev.tokenkeeper.dpop;

import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

import org.jspecify.annotations.Nullable;

/**
 * The JWS algorithms a DPoP proof can be signed with ({@code dpop.algorithm}).
 *
 * @author TokenKeeper
 */
public enum DpopAlgorithm {

	/** ECDSA on P-256 with SHA-256: small, fast, and what servers support first. */
	ES256("ES256", "EC", "SHA256withECDSAinP1363Format", 256),

	/** ECDSA on P-384 with SHA-384. */
	ES384("ES384", "EC", "SHA384withECDSAinP1363Format", 384),

	/** RSASSA-PKCS1-v1_5 with SHA-256; a key of at least 2048 bits. */
	RS256("RS256", "RSA", "SHA256withRSA", 2048),

	/** RSASSA-PSS with SHA-256; a key of at least 2048 bits. */
	PS256("PS256", "RSA", "RSASSA-PSS", 2048),

	/** Ed25519. Not every server accepts it (Spring Security's verifiers take RSA and EC only). */
	EDDSA("EdDSA", "Ed25519", "Ed25519", 255);

	private final String jwsName;

	private final String keyAlgorithm;

	private final String signatureAlgorithm;

	private final int keySize;

	DpopAlgorithm(String jwsName, String keyAlgorithm, String signatureAlgorithm, int keySize) {
		this.jwsName = jwsName;
		this.keyAlgorithm = keyAlgorithm;
		this.signatureAlgorithm = signatureAlgorithm;
		this.keySize = keySize;
	}

	/**
	 * The {@code alg} header value.
	 * @return the JWS name
	 */
	public String jwsName() {
		return this.jwsName;
	}

	/** The JCA key algorithm: {@code EC}, {@code RSA} or {@code Ed25519}. */
	String keyAlgorithm() {
		return this.keyAlgorithm;
	}

	/** The JCA signature algorithm; ECDSA in the JOSE (P1363) form, so no DER conversion. */
	String signatureAlgorithm() {
		return this.signatureAlgorithm;
	}

	/** The curve size, or the smallest RSA modulus accepted. */
	int keySize() {
		return this.keySize;
	}

	/** Parameters the JCA signature needs beyond its name (PSS), or {@code null}. */
	@Nullable PSSParameterSpec parameters() {
		return (this == PS256) ? new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1) : null;
	}

}
