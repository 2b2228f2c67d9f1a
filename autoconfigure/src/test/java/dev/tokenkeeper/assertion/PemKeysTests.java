package dev.tokenkeeper.assertion;

import java.security.KeyPair;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.tokenkeeper.test.DpopTestKeys;
import dev.tokenkeeper.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The PEM forms TokenKeeper reads with the JDK alone, and the errors for the ones it does
 * not: none shows key material.
 */
class PemKeysTests {

	private static final KeyPair RSA = TestKeys.rsa(2048);

	private static final KeyPair EC_256 = TestKeys.ec("secp256r1");

	@Test
	void readWhenPkcs8RsaThenPublicKeyFromTheCrtParameters() {
		KeyPair read = PemKeys.read(TestKeys.pkcs8(RSA));
		assertThat(read.getPrivate().getEncoded()).isEqualTo(RSA.getPrivate().getEncoded());
		assertThat(read.getPublic()).isEqualTo(RSA.getPublic());
	}

	@Test
	void readWhenPkcs1RsaThenSameKey() {
		KeyPair read = PemKeys.read(TestKeys.pkcs1(RSA));
		assertThat(read.getPrivate().getEncoded()).isEqualTo(RSA.getPrivate().getEncoded());
		assertThat(read.getPublic()).isEqualTo(RSA.getPublic());
	}

	@Test
	void readWhenPkcs8EcWithoutPublicKeyThenPublicKeyDerivedOnTheCurve() {
		for (String curve : new String[] { "secp256r1", "secp384r1", "secp521r1" }) {
			KeyPair ec = TestKeys.ec(curve);
			assertThat(PemKeys.read(TestKeys.pkcs8(ec)).getPublic()).as(curve).isEqualTo(ec.getPublic());
		}
	}

	@Test
	void readWhenSec1EcThenSameKey() {
		KeyPair read = PemKeys.read(TestKeys.sec1P256(EC_256));
		assertThat(read.getPublic()).isEqualTo(EC_256.getPublic());
	}

	@Test
	void readWhenFollowedByItsPublicKeyThenThatPublicKey() {
		assertThat(PemKeys.read(TestKeys.pkcs8WithPublicKey(EC_256)).getPublic()).isEqualTo(EC_256.getPublic());
	}

	@Test
	void readWhenFollowedByAnotherKeysPublicKeyThenRefused() {
		String pem = TestKeys.pkcs8(RSA) + TestKeys.pem("PUBLIC KEY", TestKeys.rsa(2048).getPublic().getEncoded());
		assertThatExceptionOfType(InvalidSigningKeyException.class).isThrownBy(() -> PemKeys.read(pem))
			.withMessageContaining("does not belong to its private key");
	}

	@Test
	void readWhenEncryptedThenRefusedSayingSo() {
		String pem = TestKeys.pem("ENCRYPTED PRIVATE KEY", RSA.getPrivate().getEncoded());
		assertThatExceptionOfType(InvalidSigningKeyException.class).isThrownBy(() -> PemKeys.read(pem))
			.withMessageContaining("encrypted")
			.satisfies((ex) -> assertNoKeyMaterial(ex.getMessage()));
	}

	@Test
	void readWhenMalformedThenRefusedWithoutKeyMaterial() {
		byte[] der = RSA.getPrivate().getEncoded().clone();
		der[40] ^= 0x55;
		String pem = TestKeys.pem("PRIVATE KEY", java.util.Arrays.copyOf(der, 200));
		assertThatExceptionOfType(InvalidSigningKeyException.class).isThrownBy(() -> PemKeys.read(pem))
			.satisfies((ex) -> assertNoKeyMaterial(ex.getMessage()));
		assertThatExceptionOfType(InvalidSigningKeyException.class).isThrownBy(() -> PemKeys.read("not a key"))
			.withMessage("holds no PEM block");
		assertThatExceptionOfType(InvalidSigningKeyException.class)
			.isThrownBy(() -> PemKeys.read(TestKeys.pem("CERTIFICATE", new byte[] { 1, 2, 3 })))
			.withMessageContaining("expected PRIVATE KEY");
	}

	@Test
	void readWhenEd25519ThenRefusedAsNeitherRsaNorEc() {
		String pem = TestKeys.pkcs8(DpopTestKeys.keyPair("Ed25519"));
		assertThatExceptionOfType(InvalidSigningKeyException.class).isThrownBy(() -> PemKeys.read(pem))
			.withMessage("holds neither an RSA nor an EC private key (or a malformed one)");
	}

	private static void assertNoKeyMaterial(String message) {
		String base64 = Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded());
		for (int i = 0; i + 16 <= base64.length(); i += 16) {
			assertThat(message).doesNotContain(base64.substring(i, i + 16));
		}
	}

}
