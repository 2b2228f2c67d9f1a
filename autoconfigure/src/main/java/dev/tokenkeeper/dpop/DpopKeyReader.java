package dev.tokenkeeper.dpop;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;

import dev.tokenkeeper.keys.PemKeyReader;
import dev.tokenkeeper.keys.UnreadablePemKeyException;

/**
 * Reads a {@code dpop.key} PKCS#8 PEM private key ({@code openssl genpkey}) through the shared
 * {@link PemKeyReader}, which derives its public key, so a configured DPoP key is one file;
 * and checks that the key fits the algorithm. Start-up only.
 *
 * @author TokenKeeper
 */
final class DpopKeyReader {

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
		try {
			KeyPair pair = PemKeyReader.read(pem, KEY_FACTORIES);
			return new KeyPairFromPem(pair.getPrivate(), pair.getPublic());
		}
		catch (UnreadablePemKeyException ex) {
			throw invalid(switch (ex.getProblem()) {
				case NO_PEM_BLOCK -> "holds no PEM private key (-----BEGIN PRIVATE KEY-----)";
				case NOT_BASE64 -> "holds a PEM block that is not valid Base64";
				case UNSUPPORTED_KEY -> "holds a PKCS#8 block that is not an EC, RSA or Ed25519 private key";
				default -> ex.getMessage();
			});
		}
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

}
