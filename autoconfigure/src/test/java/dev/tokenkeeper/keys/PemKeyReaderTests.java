package dev.tokenkeeper.keys;

import java.security.KeyPair;

import org.junit.jupiter.api.Test;

import dev.tokenkeeper.keys.UnreadablePemKeyException.Problem;
import dev.tokenkeeper.test.DpopTestKeys;
import dev.tokenkeeper.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the shared reader adds beyond the forms {@code PemKeysTests} and
 * {@code DpopProofsTests} cover through their callers: Ed25519 with a following public key,
 * and the key algorithms each caller accepts.
 */
class PemKeyReaderTests {

	private static final KeyPair ED25519 = DpopTestKeys.keyPair("Ed25519");

	@Test
	void readWhenEd25519FollowedByItsPublicKeyThenThatPublicKey() {
		String pem = TestKeys.pkcs8WithPublicKey(ED25519);
		KeyPair read = PemKeyReader.read(pem, "EC", "RSA", "Ed25519");
		assertThat(read.getPublic()).isEqualTo(ED25519.getPublic());
		assertThat(read.getPrivate().getEncoded()).isEqualTo(ED25519.getPrivate().getEncoded());
	}

	@Test
	void readWhenEd25519AloneThenPublicKeyDerived() {
		assertThat(PemKeyReader.read(TestKeys.pkcs8(ED25519), "Ed25519").getPublic()).isEqualTo(ED25519.getPublic());
	}

	@Test
	void readWhenKeyOfAnAlgorithmTheCallerDoesNotAcceptThenUnsupportedKeyWithoutKeyMaterial() {
		String pem = TestKeys.pkcs8(ED25519);
		assertThatExceptionOfType(UnreadablePemKeyException.class).isThrownBy(() -> PemKeyReader.read(pem, "RSA", "EC"))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.UNSUPPORTED_KEY))
			.withMessageNotContaining(pem.substring(40, 60));
	}

}
