package dev.tokenkeeper.dpop;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads a PKCS#8 PEM private key ({@code openssl genpkey}) and derives its public key, so a
 * configured DPoP key is one file. The JDK reads PKCS#8 without help; the public half is
 * computed rather than read (EC: the generator times the private scalar; RSA: from the CRT
 * key; Ed25519: the JDK's own generator seeded with the private bytes). Start-up only.
 *
 * @author TokenKeeper
 */
final class DpopKeyReader {

	private static final Pattern PKCS8 = Pattern
		.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

	private static final String[] KEY_FACTORIES = { "EC", "RSA", "Ed25519", "RSASSA-PSS" };

	private DpopKeyReader() {
	}

	record KeyPairFromPem(PrivateKey privateKey, PublicKey publicKey) {

		@Override
		public String toString() {
			return "KeyPairFromPem[" + this.privateKey.getAlgorithm() + "]";
		}

	}

	static KeyPairFromPem read(String pem) {
		if (pem.contains("ENCRYPTED PRIVATE KEY")) {
			throw invalid("is an encrypted private key; TokenKeeper reads unencrypted PKCS#8 "
					+ "(openssl pkcs8 -topk8 -nocrypt)");
		}
		if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
			throw invalid("is a PKCS#1/SEC1 private key; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
		}
		Matcher matcher = PKCS8.matcher(pem);
		if (!matcher.find()) {
			throw invalid("holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
		}
		byte[] der;
		try {
			der = Base64.getMimeDecoder().decode(matcher.group(1));
		}
		catch (IllegalArgumentException ex) {
			throw invalid("holds a PEM block that is not valid Base64");
		}
		PrivateKey privateKey = privateKey(der);
		try {
			return new KeyPairFromPem(privateKey, publicKey(privateKey));
		}
		catch (GeneralSecurityException ex) {
			throw invalid("holds a private key whose public key cannot be derived (" + privateKey.getAlgorithm() + ")");
		}
	}

	private static PrivateKey privateKey(byte[] der) {
		for (String algorithm : KEY_FACTORIES) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
			catch (GeneralSecurityException | RuntimeException ex) {
				// not a key of this kind; try the next
			}
		}
		throw invalid("holds a PKCS#8 block that is not an EC, RSA or Ed25519 private key");
	}

	private static PublicKey publicKey(PrivateKey privateKey) throws GeneralSecurityException {
		if (privateKey instanceof RSAPrivateCrtKey rsa) {
			return KeyFactory.getInstance("RSA")
				.generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
		}
		if (privateKey instanceof ECPrivateKey ec) {
			ECParameterSpec params = ec.getParams();
			ECPoint point = multiply(params.getGenerator(), ec.getS(), params.getCurve());
			return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
		}
		if (privateKey instanceof EdECPrivateKey ed && ed.getBytes().isPresent()) {
			byte[] seed = ed.getBytes().get();
			KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
			generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
			return generator.generateKeyPair().getPublic();
		}
		throw new GeneralSecurityException("Unsupported key " + privateKey.getAlgorithm());
	}

	/** Double-and-add over the curve's prime field, in affine coordinates; start-up only. */
	static ECPoint multiply(ECPoint generator, BigInteger scalar, EllipticCurve curve) {
		BigInteger p = ((ECFieldFp) curve.getField()).getP();
		ECPoint result = ECPoint.POINT_INFINITY;
		ECPoint addend = generator;
		for (int i = 0; i < scalar.bitLength(); i++) {
			if (scalar.testBit(i)) {
				result = add(result, addend, curve.getA(), p);
			}
			addend = add(addend, addend, curve.getA(), p);
		}
		return result;
	}

	private static ECPoint add(ECPoint first, ECPoint second, BigInteger a, BigInteger p) {
		if (first.equals(ECPoint.POINT_INFINITY)) {
			return second;
		}
		if (second.equals(ECPoint.POINT_INFINITY)) {
			return first;
		}
		BigInteger x1 = first.getAffineX();
		BigInteger y1 = first.getAffineY();
		BigInteger x2 = second.getAffineX();
		BigInteger y2 = second.getAffineY();
		BigInteger slope;
		if (x1.equals(x2)) {
			if (y1.add(y2).mod(p).signum() == 0) {
				return ECPoint.POINT_INFINITY;
			}
			slope = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
		}
		else {
			slope = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
		}
		BigInteger x3 = slope.pow(2).subtract(x1).subtract(x2).mod(p);
		BigInteger y3 = slope.multiply(x1.subtract(x3)).subtract(y1).mod(p);
		return new ECPoint(x3, y3);
	}

	/** Whether the key is the kind the algorithm signs with; a clear reason when not. */
	static void checkFits(DpopAlgorithm algorithm, PrivateKey key) {
		String problem = switch (algorithm) {
			case ES256, ES384 -> (key instanceof ECPrivateKey ec)
					? ((ec.getParams().getCurve().getField().getFieldSize() == algorithm.keySize()) ? null
							: "needs an EC P-" + algorithm.keySize() + " key, not P-"
									+ ec.getParams().getCurve().getField().getFieldSize())
					: "needs an EC P-" + algorithm.keySize() + " key, not " + kind(key);
			case RS256, PS256 -> (key instanceof RSAPrivateKey rsa)
					? ((rsa.getModulus().bitLength() >= algorithm.keySize()) ? null
							: "needs an RSA key of at least 2048 bits, not " + rsa.getModulus().bitLength())
					: "needs an RSA key, not " + kind(key);
			case EDDSA -> (key instanceof EdECPrivateKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName()))
					? null : "needs an Ed25519 key, not " + kind(key);
		};
		if (problem != null) {
			throw new InvalidDpopKeyException(true, algorithm.jwsName() + " " + problem);
		}
	}

	private static String kind(PrivateKey key) {
		return (key instanceof EdECPrivateKey) ? "an Ed25519 key" : "an " + key.getAlgorithm() + " key";
	}

	private static InvalidDpopKeyException invalid(String reason) {
		return new InvalidDpopKeyException(false, reason);
	}

	/** Hands the JDK's Ed25519 generator the private key bytes as its "random" seed. */
	private static final class FixedBytes extends SecureRandom {

		private final byte[] bytes;

		private @Nullable Boolean used;

		FixedBytes(byte[] bytes) {
			this.bytes = bytes.clone();
		}

		@Override
		public void nextBytes(byte[] out) {
			if (this.used != null || out.length != this.bytes.length) {
				throw new IllegalStateException("Unexpected use of the seed");
			}
			this.used = Boolean.TRUE;
			System.arraycopy(this.bytes, 0, out, 0, out.length);
		}

	}

}
