package dev.tokenkeeper.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONStringUtils;

/**
 * One DPoP key pair and what signing with it needs, prepared once: the public JWK, its RFC
 * 7638 thumbprint and the encoded JWS header ({@code typ}, {@code alg}, {@code jwk}), which is
 * the same for every proof. The private key never leaves this object: no accessor, and
 * {@link #toString()} shows the thumbprint.
 * <p>
 * Signing uses the JDK's own providers (ECDSA in its JOSE form, RSA, RSASSA-PSS, Ed25519), so
 * no extra library is needed for EdDSA; initialised {@link Signature} objects are pooled,
 * because creating one costs about as much as the JSON around it.
 *
 * @author TokenKeeper
 */
public final class DpopKey {

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private static final int MAX_POOLED = 64;

	private final DpopAlgorithm algorithm;

	private final PrivateKey privateKey;

	private final String publicJwk;

	private final String thumbprint;

	private final boolean generated;

	/** {@code base64url(header) + "."}, ASCII. */
	private final byte[] headerSegment;

	private final Queue<Signature> signatures = new ConcurrentLinkedQueue<>();

	private DpopKey(DpopAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey, boolean generated)
			throws GeneralSecurityException {
		this.algorithm = algorithm;
		this.privateKey = privateKey;
		this.generated = generated;
		JWK jwk = publicJwk(algorithm, publicKey);
		this.publicJwk = jwk.toPublicJWK().toJSONString();
		try {
			this.thumbprint = jwk.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new GeneralSecurityException("No thumbprint", ex);
		}
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":" + JSONStringUtils.toJSONString(algorithm.jwsName())
				+ ",\"jwk\":" + this.publicJwk + "}";
		this.headerSegment = (BASE64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + ".")
			.getBytes(StandardCharsets.US_ASCII);
		selfTest(publicKey);
	}

	/**
	 * A key pair generated for this process, kept in memory only.
	 * @param algorithm the algorithm it signs with
	 * @return the key
	 */
	public static DpopKey generate(DpopAlgorithm algorithm) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyAlgorithm());
			switch (algorithm) {
				case ES256 -> generator.initialize(new ECGenParameterSpec("secp256r1"));
				case ES384 -> generator.initialize(new ECGenParameterSpec("secp384r1"));
				case RS256, PS256 -> generator.initialize(2048);
				case EDDSA -> generator.initialize(NamedParameterSpec.ED25519);
			}
			KeyPair pair = generator.generateKeyPair();
			return new DpopKey(algorithm, pair.getPrivate(), pair.getPublic(), true);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM cannot generate a " + algorithm.jwsName() + " key", ex);
		}
	}

	/**
	 * A configured key: a PKCS#8 PEM private key whose public key is derived from it.
	 * @param algorithm the algorithm it signs with
	 * @param pem the PEM text
	 * @return the key
	 * @throws InvalidDpopKeyException when the PEM holds no usable private key, or one that does
	 * not fit the algorithm; the message never shows key material
	 */
	public static DpopKey fromPem(DpopAlgorithm algorithm, String pem) {
		DpopKeyReader.KeyPairFromPem pair = DpopKeyReader.read(pem);
		DpopKeyReader.checkFits(algorithm, pair.privateKey());
		try {
			return new DpopKey(algorithm, pair.privateKey(), pair.publicKey(), false);
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidDpopKeyException(false,
					"cannot sign with " + algorithm.jwsName() + " (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private static JWK publicJwk(DpopAlgorithm algorithm, PublicKey publicKey) throws GeneralSecurityException {
		if (publicKey instanceof ECPublicKey ec) {
			return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
		}
		if (publicKey instanceof RSAPublicKey rsa) {
			return new RSAKey.Builder(rsa).build();
		}
		if (algorithm == DpopAlgorithm.EDDSA) {
			// X.509 SubjectPublicKeyInfo of Ed25519: a 12-byte prefix, then the 32-byte key
			byte[] encoded = publicKey.getEncoded();
			byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
			return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).build();
		}
		throw new GeneralSecurityException("Unsupported key type " + publicKey.getAlgorithm());
	}

	/** Signs and verifies once, so a key pair that does not belong together fails at start-up. */
	private void selfTest(PublicKey publicKey) throws GeneralSecurityException {
		byte[] data = this.headerSegment;
		byte[] signature = sign(data);
		Signature verifier = Signature.getInstance(this.algorithm.signatureAlgorithm());
		PSSParameterSpec parameters = this.algorithm.parameters();
		if (parameters != null) {
			verifier.setParameter(parameters);
		}
		verifier.initVerify(publicKey);
		verifier.update(data);
		if (!verifier.verify(signature)) {
			throw new GeneralSecurityException("The public key does not verify the private key's signature");
		}
	}

	/**
	 * A compact JWS of the given claims with this key.
	 * @param claimsJson the claims as a JSON object
	 * @return {@code header.claims.signature}
	 */
	String sign(String claimsJson) {
		byte[] claims = BASE64URL.encode(claimsJson.getBytes(StandardCharsets.UTF_8));
		byte[] input = new byte[this.headerSegment.length + claims.length];
		System.arraycopy(this.headerSegment, 0, input, 0, this.headerSegment.length);
		System.arraycopy(claims, 0, input, this.headerSegment.length, claims.length);
		byte[] signature;
		try {
			signature = sign(input);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not sign a DPoP proof with " + this.algorithm.jwsName(), ex);
		}
		return new String(input, StandardCharsets.US_ASCII) + "." + BASE64URL.encodeToString(signature);
	}

	private byte[] sign(byte[] input) throws GeneralSecurityException {
		Signature signer = this.signatures.poll();
		if (signer == null) {
			signer = newSigner();
		}
		signer.update(input);
		// sign() leaves the object initialised with the same key, ready for the next proof
		byte[] signature = signer.sign();
		if (this.signatures.size() < MAX_POOLED) {
			this.signatures.offer(signer);
		}
		return signature;
	}

	private Signature newSigner() throws GeneralSecurityException {
		Signature signer = Signature.getInstance(this.algorithm.signatureAlgorithm());
		PSSParameterSpec parameters = this.algorithm.parameters();
		if (parameters != null) {
			try {
				signer.setParameter(parameters);
			}
			catch (InvalidAlgorithmParameterException ex) {
				throw new GeneralSecurityException(ex);
			}
		}
		signer.initSign(this.privateKey);
		return signer;
	}

	/**
	 * The algorithm proofs are signed with.
	 * @return the algorithm
	 */
	public DpopAlgorithm algorithm() {
		return this.algorithm;
	}

	/**
	 * The public JWK, as sent in every proof's header.
	 * @return the JWK as JSON, public members only
	 */
	public String publicJwk() {
		return this.publicJwk;
	}

	/**
	 * The RFC 7638 SHA-256 thumbprint of the public key: the {@code cnf.jkt} of the tokens
	 * bound to it.
	 * @return the base64url thumbprint
	 */
	public String thumbprint() {
		return this.thumbprint;
	}

	/**
	 * Whether the key was generated at start-up (each instance then holds its own) rather
	 * than configured.
	 * @return whether generated
	 */
	public boolean isGenerated() {
		return this.generated;
	}

	@Override
	public String toString() {
		return "DpopKey[" + this.algorithm.jwsName() + ", thumbprint=" + this.thumbprint
				+ (this.generated ? ", generated" : ", configured") + "]";
	}

}
