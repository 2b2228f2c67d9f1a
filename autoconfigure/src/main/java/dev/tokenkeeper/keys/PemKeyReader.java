package dev.tokenkeeper.keys;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
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
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads an unencrypted PEM private key ({@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or
 * {@code EC PRIVATE KEY}), optionally followed by its certificate or public key, with the
 * JDK alone: the one PEM key reader behind {@code jwt.signing-key} and {@code dpop.key}. The
 * public key is the one that follows, else derived from the private key (Java 17 has no API
 * that derives an EC or Ed25519 public key, and no BouncyCastle is on the class path). Errors
 * say what is wrong, never what the file holds; each caller words them for its own property.
 * Internal to TokenKeeper, not an API. Start-up and key reloads only.
 *
 * @author TokenKeeper
 */
public final class PemKeyReader {

	private static final Pattern BLOCK = Pattern
		.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----", Pattern.DOTALL);

	private static final byte[] RSA_ENCRYPTION = { 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
			0x0d, 0x01, 0x01, 0x01 };

	private static final byte[] EC_PUBLIC_KEY = { 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
			0x01 };

	private PemKeyReader() {
	}

	/**
	 * Read the key pair of a PEM text. Encrypted keys are the caller's to refuse, with advice
	 * that fits its property.
	 * @param pem the PEM text
	 * @param algorithms the JDK key factories a {@code PRIVATE KEY} block may be for (e.g.
	 * {@code RSA}, {@code EC}, {@code Ed25519}), tried in this order
	 * @return the key pair
	 * @throws UnreadablePemKeyException when the text holds no usable key; its message never
	 * shows key material
	 */
	public static KeyPair read(String pem, String... algorithms) {
		List<String[]> blocks = new ArrayList<>();
		Matcher matcher = BLOCK.matcher(pem);
		while (matcher.find()) {
			blocks.add(new String[] { matcher.group(1), matcher.group(2) });
		}
		if (blocks.isEmpty()) {
			throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.NO_PEM_BLOCK, "holds no PEM block");
		}
		String type = blocks.get(0)[0];
		byte[] der = decode(blocks.get(0)[1]);
		PrivateKey privateKey = switch (type) {
			case "PRIVATE KEY" -> pkcs8(der, algorithms);
			case "RSA PRIVATE KEY" -> generate("RSA", wrap(RSA_ENCRYPTION, new byte[] { 0x05, 0x00 }, der));
			case "EC PRIVATE KEY" -> generate("EC", wrap(EC_PUBLIC_KEY, sec1Curve(der), der));
			default -> throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.NO_PEM_BLOCK,
					"starts with a '" + type + "' block; expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY first");
		};
		PublicKey derived = derivePublicKey(privateKey);
		if (blocks.size() > 1) {
			PublicKey following = publicKey(blocks.get(1)[0], decode(blocks.get(1)[1]), algorithms);
			if (!following.equals(derived)) {
				throw malformed("holds a " + blocks.get(1)[0].toLowerCase(Locale.ROOT)
						+ " that does not belong to its private key");
			}
			return new KeyPair(following, privateKey);
		}
		return new KeyPair(derived, privateKey);
	}

	private static byte[] decode(String base64) {
		try {
			return Base64.getMimeDecoder().decode(base64.replaceAll("(?m)^[A-Za-z-]+:.*$", "").trim());
		}
		catch (IllegalArgumentException ex) {
			throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.NOT_BASE64,
					"is not valid PEM: its Base64 cannot be decoded");
		}
	}

	private static PrivateKey pkcs8(byte[] der, String[] algorithms) {
		for (String algorithm : algorithms) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
			catch (GeneralSecurityException | RuntimeException ex) {
				// not a key of this kind; try the next
			}
		}
		throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.UNSUPPORTED_KEY,
				"holds a PKCS#8 block that is not a " + String.join(", ", algorithms) + " private key");
	}

	private static PrivateKey generate(String algorithm, byte[] pkcs8) {
		try {
			return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
		}
		catch (GeneralSecurityException ex) {
			throw malformed("holds a malformed " + algorithm + " private key");
		}
	}

	private static PublicKey publicKey(String type, byte[] der, String[] algorithms) {
		try {
			if (type.equals("CERTIFICATE")) {
				return CertificateFactory.getInstance("X.509")
					.generateCertificate(new ByteArrayInputStream(der))
					.getPublicKey();
			}
			if (type.equals("PUBLIC KEY")) {
				for (String algorithm : algorithms) {
					try {
						return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
					}
					catch (GeneralSecurityException | RuntimeException ex) {
						// not a key of this kind; try the next
					}
				}
			}
		}
		catch (CertificateException ex) {
			throw malformed("holds a malformed certificate after its key");
		}
		throw malformed("holds a '" + type + "' block after its key; expected CERTIFICATE or PUBLIC KEY");
	}

	private static PublicKey derivePublicKey(PrivateKey privateKey) {
		try {
			if (privateKey instanceof RSAPrivateCrtKey rsa) {
				return KeyFactory.getInstance("RSA")
					.generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
			}
			if (privateKey instanceof ECPrivateKey ec) {
				ECPoint point = multiply(ec.getParams(), ec.getS());
				return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, ec.getParams()));
			}
			if (privateKey instanceof EdECPrivateKey ed && ed.getBytes().isPresent()) {
				// the JDK's own Ed25519 generator, seeded with the private bytes, computes the public half
				KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
				generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(ed.getBytes().get()));
				return generator.generateKeyPair().getPublic();
			}
		}
		catch (GeneralSecurityException ex) {
			throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.UNDERIVABLE_PUBLIC_KEY,
					"holds a private key whose public key cannot be derived (" + privateKey.getAlgorithm() + ")");
		}
		if (privateKey instanceof RSAPrivateKey) {
			throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.UNDERIVABLE_PUBLIC_KEY,
					"holds an RSA key without its public exponent; add the certificate or public key after it");
		}
		throw new UnreadablePemKeyException(UnreadablePemKeyException.Problem.UNDERIVABLE_PUBLIC_KEY,
				"holds a private key whose public key cannot be derived (" + privateKey.getAlgorithm() + ")");
	}

	/** d·G on a prime curve, affine double-and-add; run once per key load, not per signature. */
	private static ECPoint multiply(ECParameterSpec params, BigInteger d) {
		EllipticCurve curve = params.getCurve();
		BigInteger p = ((ECFieldFp) curve.getField()).getP();
		ECPoint result = ECPoint.POINT_INFINITY;
		ECPoint addend = params.getGenerator();
		for (int i = 0; i < d.bitLength(); i++) {
			if (d.testBit(i)) {
				result = add(result, addend, curve.getA(), p);
			}
			addend = add(addend, addend, curve.getA(), p);
		}
		return result;
	}

	private static ECPoint add(ECPoint one, ECPoint two, BigInteger a, BigInteger p) {
		if (one.equals(ECPoint.POINT_INFINITY)) {
			return two;
		}
		if (two.equals(ECPoint.POINT_INFINITY)) {
			return one;
		}
		BigInteger x1 = one.getAffineX();
		BigInteger y1 = one.getAffineY();
		BigInteger x2 = two.getAffineX();
		BigInteger y2 = two.getAffineY();
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

	/** The curve OID of a SEC1 {@code ECPrivateKey}: its {@code [0] parameters}. */
	private static byte[] sec1Curve(byte[] der) {
		Der sequence = Der.read(der, 0).expect(0x30);
		int offset = sequence.contentStart;
		while (offset < sequence.end) {
			Der element = Der.read(der, offset);
			if (element.tag == 0xa0) {
				Der oid = Der.read(der, element.contentStart).expect(0x06);
				return Arrays.copyOfRange(der, oid.start, oid.end);
			}
			offset = element.end;
		}
		throw malformed("holds an EC private key without its curve; convert it to PKCS#8 ('openssl pkcs8 -topk8 -nocrypt')");
	}

	/** PKCS#8 {@code PrivateKeyInfo} around a PKCS#1 or SEC1 key. */
	private static byte[] wrap(byte[] algorithmOid, byte[] parameters, byte[] key) {
		byte[] version = { 0x02, 0x01, 0x00 };
		byte[] algorithm = Der.encode(0x30, concat(algorithmOid, parameters));
		return Der.encode(0x30, concat(version, algorithm, Der.encode(0x04, key)));
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static UnreadablePemKeyException malformed(String reason) {
		return new UnreadablePemKeyException(UnreadablePemKeyException.Problem.MALFORMED, reason);
	}

	/** One DER element's bounds. */
	private static final class Der {

		final int tag;

		final int start;

		final int contentStart;

		final int end;

		private Der(int tag, int start, int contentStart, int end) {
			this.tag = tag;
			this.start = start;
			this.contentStart = contentStart;
			this.end = end;
		}

		static Der read(byte[] der, int offset) {
			if (offset + 2 > der.length) {
				throw malformed("holds a truncated key");
			}
			int tag = der[offset] & 0xff;
			int length = der[offset + 1] & 0xff;
			int contentStart = offset + 2;
			if (length > 0x80) {
				int bytes = length - 0x80;
				if (bytes > 3 || contentStart + bytes > der.length) {
					throw malformed("holds a malformed key");
				}
				length = 0;
				for (int i = 0; i < bytes; i++) {
					length = (length << 8) | (der[contentStart + i] & 0xff);
				}
				contentStart += bytes;
			}
			if (contentStart + length > der.length) {
				throw malformed("holds a truncated key");
			}
			return new Der(tag, offset, contentStart, contentStart + length);
		}

		Der expect(int expected) {
			if (this.tag != expected) {
				throw malformed("holds a malformed key");
			}
			return this;
		}

		static byte[] encode(int tag, byte[] content) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			out.write(tag);
			int length = content.length;
			if (length < 0x80) {
				out.write(length);
			}
			else if (length < 0x100) {
				out.write(0x81);
				out.write(length);
			}
			else if (length < 0x10000) {
				out.write(0x82);
				out.write(length >> 8);
				out.write(length);
			}
			else {
				out.write(0x83);
				out.write(length >> 16);
				out.write(length >> 8);
				out.write(length);
			}
			out.writeBytes(content);
			return out.toByteArray();
		}

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
