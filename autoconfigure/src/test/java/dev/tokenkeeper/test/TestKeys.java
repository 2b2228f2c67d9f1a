package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * Key pairs made by the JDK for signing tests, and the PEM files TokenKeeper reads:
 * PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}), each optionally followed
 * by the public key.
 */
public final class TestKeys {

	private TestKeys() {
	}

	public static KeyPair rsa(int bits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(bits);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An EC key pair.
	 * @param curve {@code secp256r1}, {@code secp384r1} or {@code secp521r1}
	 * @return the key pair
	 */
	public static KeyPair ec(String curve) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec(curve));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8). */
	public static String pkcs8(KeyPair keyPair) {
		return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
	}

	/** PKCS#8 private key followed by its {@code PUBLIC KEY}. */
	public static String pkcs8WithPublicKey(KeyPair keyPair) {
		return pkcs8(keyPair) + pem("PUBLIC KEY", keyPair.getPublic().getEncoded());
	}

	/** {@code -----BEGIN RSA PRIVATE KEY-----} (PKCS#1): the key inside the JDK's PKCS#8. */
	public static String pkcs1(KeyPair rsa) {
		byte[] pkcs8 = rsa.getPrivate().getEncoded();
		// PrivateKeyInfo ::= SEQUENCE { version, algorithm, OCTET STRING privateKey }: the last element
		int offset = skipHeader(pkcs8, 0);
		offset = skipElement(pkcs8, offset);
		offset = skipElement(pkcs8, offset);
		int content = skipHeader(pkcs8, offset);
		return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, content, pkcs8.length));
	}

	/**
	 * {@code -----BEGIN EC PRIVATE KEY-----} (SEC1) of a P-256 key, with its curve and
	 * without its public key, as {@code openssl ec} writes it with {@code -no_public}.
	 */
	public static String sec1P256(KeyPair ec) {
		byte[] pkcs8 = ec.getPrivate().getEncoded();
		int offset = skipHeader(pkcs8, 0);
		offset = skipElement(pkcs8, offset);
		offset = skipElement(pkcs8, offset);
		int content = skipHeader(pkcs8, offset);
		byte[] sec1 = Arrays.copyOfRange(pkcs8, content, pkcs8.length);
		int inner = skipHeader(sec1, 0);
		// version and privateKey only: drop whatever follows, then add [0] { secp256r1 }
		int end = skipElement(sec1, skipElement(sec1, inner));
		byte[] oid = { 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07 };
		byte[] body = new byte[end - inner + 2 + oid.length];
		System.arraycopy(sec1, inner, body, 0, end - inner);
		body[end - inner] = (byte) 0xa0;
		body[end - inner + 1] = (byte) oid.length;
		System.arraycopy(oid, 0, body, end - inner + 2, oid.length);
		byte[] sequence = new byte[2 + body.length];
		sequence[0] = 0x30;
		sequence[1] = (byte) body.length;
		System.arraycopy(body, 0, sequence, 2, body.length);
		return pem("EC PRIVATE KEY", sequence);
	}

	/** The RFC 7638 thumbprint TokenKeeper uses as the default {@code kid}. */
	public static String thumbprint(KeyPair keyPair) {
		try {
			JWK jwk = (keyPair.getPublic() instanceof RSAPublicKey rsa) ? new RSAKey.Builder(rsa).build()
					: new ECKey.Builder(Curve.forECParameterSpec(((ECPublicKey) keyPair.getPublic()).getParams()),
							(ECPublicKey) keyPair.getPublic()).build();
			return jwk.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(der) + "\n-----END " + type + "-----\n";
	}

	/**
	 * Write a PEM file, or replace one; a replacement gets a later modification time, as a
	 * new file would, however fast it follows.
	 * @param file the file
	 * @param pem its content
	 * @return the file
	 */
	public static Path write(Path file, String pem) {
		try {
			FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
			Files.writeString(file, pem, StandardCharsets.US_ASCII);
			if (before != null) {
				Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(2)));
			}
			else {
				Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
			}
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int skipHeader(byte[] der, int offset) {
		int length = der[offset + 1] & 0xff;
		return offset + 2 + ((length > 0x80) ? length - 0x80 : 0);
	}

	private static int skipElement(byte[] der, int offset) {
		int length = der[offset + 1] & 0xff;
		int header = 2;
		if (length > 0x80) {
			int bytes = length - 0x80;
			length = 0;
			for (int i = 0; i < bytes; i++) {
				length = (length << 8) | (der[offset + 2 + i] & 0xff);
			}
			header += bytes;
		}
		return offset + header + length;
	}

}
