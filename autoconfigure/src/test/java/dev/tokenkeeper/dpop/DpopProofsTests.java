package dev.tokenkeeper.dpop;

import java.net.URI;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.JWK;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tokenkeeper.test.DpopProofChecks;
import dev.tokenkeeper.test.DpopProofChecks.Proof;
import dev.tokenkeeper.test.DpopTestKeys;
import dev.tokenkeeper.test.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DPoP proofs as a verifier decodes them, for every algorithm, and keys as configured.
 */
class DpopProofsTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	@ParameterizedTest
	@EnumSource(DpopAlgorithm.class)
	void proofWhenGeneratedKeyThenSignedWithPublicJwkAndClaims(DpopAlgorithm algorithm) {
		DpopProofs proofs = new DpopProofs(DpopKey.generate(algorithm), this.clock);
		Proof proof = DpopProofChecks
			.verified(proofs.proof("GET", URI.create("https://api.x.com:443/v0/rooms?page=2#top"), "token-1"));
		assertThat(proof.header().getAlgorithm().getName()).isEqualTo(algorithm.jwsName());
		assertThat(proof.thumbprint()).isEqualTo(proofs.key().thumbprint());
		assertThat(proof.claim("htm")).isEqualTo("GET");
		assertThat(proof.claim("htu")).isEqualTo("https://api.x.com/v0/rooms");
		assertThat(proof.iat()).isEqualTo(this.clock.instant().getEpochSecond());
		assertThat(proof.claim("ath")).isEqualTo(DpopProofChecks.ath("token-1"));
		assertThat(Base64.getUrlDecoder().decode(proof.claim("jti"))).hasSize(16);
		assertThat(proof.claims().getClaims()).containsOnlyKeys("jti", "htm", "htu", "iat", "ath");
	}

	@Test
	void proofWhenTokenRequestThenNoAthAndPortKept() {
		DpopProofs proofs = new DpopProofs(DpopKey.generate(DpopAlgorithm.ES256), this.clock);
		Proof proof = DpopProofChecks.verified(proofs.proof("POST", URI.create("http://127.0.0.1:8089/oauth2/token?x=1"), null));
		assertThat(proof.claim("htu")).isEqualTo("http://127.0.0.1:8089/oauth2/token");
		assertThat(proof.claims().getClaims()).doesNotContainKey("ath").doesNotContainKey("nonce");
	}

	@Test
	void proofWhenOriginSentNonceThenLaterProofsToThatOriginCarryIt() {
		DpopProofs proofs = new DpopProofs(DpopKey.generate(DpopAlgorithm.ES256), this.clock);
		assertThat(proofs.nonce(URI.create("https://as.x.com/oauth2/token"), "n-\"1\"")).isTrue();
		assertThat(proofs.nonce(URI.create("https://as.x.com/other"), null)).isFalse();
		Proof same = DpopProofChecks.verified(proofs.proof("POST", URI.create("https://as.x.com:443/oauth2/token"), null));
		Proof other = DpopProofChecks.verified(proofs.proof("GET", URI.create("https://api.x.com/v0"), "t"));
		assertThat(same.claim("nonce")).isEqualTo("n-\"1\"");
		assertThat(other.claim("nonce")).isNull();
		proofs.nonce(URI.create("https://as.x.com/"), "n-2");
		assertThat(DpopProofChecks.verified(proofs.proof("POST", URI.create("https://as.x.com/t"), null)).claim("nonce"))
			.isEqualTo("n-2");
	}

	@Test
	void proofWhenManyThenEveryJtiUnique() {
		DpopProofs proofs = new DpopProofs(DpopKey.generate(DpopAlgorithm.ES256), this.clock);
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			ids.add(DpopProofChecks.verified(proofs.proof("GET", URI.create("https://api.x.com/"), "t")).claim("jti"));
		}
		assertThat(ids).hasSize(1000);
	}

	@Test
	void isNonceChallengeWhenDpopChallengeWithUseDpopNonceThenTrue() {
		assertThat(DpopProofs.isNonceChallenge(401,
				List.of("DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce\"")))
			.isTrue();
		assertThat(DpopProofs.isNonceChallenge(401, List.of("Bearer realm=\"x\"", "DPoP algs=\"ES256\", error=\"use_dpop_nonce\"")))
			.isTrue();
		assertThat(DpopProofs.isNonceChallenge(401, List.of("DPoP error=\"invalid_token\""))).isFalse();
		assertThat(DpopProofs.isNonceChallenge(401, List.of("Bearer error=\"use_dpop_nonce\""))).isFalse();
		assertThat(DpopProofs.isNonceChallenge(403, List.of("DPoP error=\"use_dpop_nonce\""))).isFalse();
		assertThat(DpopProofs.isNonceChallenge(401, null)).isFalse();
	}

	@ParameterizedTest
	@EnumSource(DpopAlgorithm.class)
	void fromPemWhenPkcs8KeyThenPublicKeyDerivedAndThumbprintMatches(DpopAlgorithm algorithm) throws Exception {
		KeyPair pair = keyPair(algorithm);
		DpopKey key = DpopKey.fromPem(algorithm, pem(pair));
		assertThat(key.isGenerated()).isFalse();
		JWK expected = JWK.parse(publicJwkOf(pair, algorithm));
		assertThat(key.thumbprint()).isEqualTo(expected.computeThumbprint().toString());
		Proof proof = DpopProofChecks.verified(new DpopProofs(key, this.clock).proof("GET", URI.create("https://a.b/"), "t"));
		assertThat(proof.thumbprint()).isEqualTo(key.thumbprint());
		assertThat(key.toString()).doesNotContain(pem(pair).substring(40, 80)).contains(key.thumbprint());
	}

	@Test
	void fromPemWhenKeyOfOtherKindThenAlgorithmMismatchWithoutKeyMaterial() throws Exception {
		KeyPair rsa = keyPair(DpopAlgorithm.RS256);
		String pem = pem(rsa);
		assertThatExceptionOfType(InvalidDpopKeyException.class).isThrownBy(() -> DpopKey.fromPem(DpopAlgorithm.ES256, pem))
			.satisfies((ex) -> assertThat(ex.isAlgorithmMismatch()).isTrue())
			.withMessage("ES256 needs an EC P-256 key, not an RSA key");
		KeyPair p384 = keyPair(DpopAlgorithm.ES384);
		assertThatExceptionOfType(InvalidDpopKeyException.class)
			.isThrownBy(() -> DpopKey.fromPem(DpopAlgorithm.ES256, pem(p384)))
			.withMessage("ES256 needs an EC P-256 key, not P-384");
	}

	@Test
	void fromPemWhenNotAPkcs8KeyThenClearReason() {
		assertThatExceptionOfType(InvalidDpopKeyException.class)
			.isThrownBy(() -> DpopKey.fromPem(DpopAlgorithm.ES256, "hello"))
			.satisfies((ex) -> assertThat(ex.isAlgorithmMismatch()).isFalse())
			.withMessageContaining("holds no PEM private key");
		assertThatExceptionOfType(InvalidDpopKeyException.class)
			.isThrownBy(() -> DpopKey.fromPem(DpopAlgorithm.ES256,
					"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"))
			.withMessageContaining("convert it to PKCS#8");
		assertThatExceptionOfType(InvalidDpopKeyException.class)
			.isThrownBy(() -> DpopKey.fromPem(DpopAlgorithm.ES256,
					"-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----"))
			.withMessageContaining("not an EC, RSA or Ed25519 private key")
			.withMessageNotContaining("AAAAAAAA");
	}

	private static KeyPair keyPair(DpopAlgorithm algorithm) {
		return DpopTestKeys.keyPair(switch (algorithm) {
			case ES256 -> "P-256";
			case ES384 -> "P-384";
			case RS256, PS256 -> "RSA";
			case EDDSA -> "Ed25519";
		});
	}

	private static String pem(KeyPair pair) {
		return DpopTestKeys.pem(pair);
	}

	private static String publicJwkOf(KeyPair pair, DpopAlgorithm algorithm) throws Exception {
		return switch (algorithm) {
			case ES256, ES384 -> new com.nimbusds.jose.jwk.ECKey.Builder(
					com.nimbusds.jose.jwk.Curve.forECParameterSpec(
							((java.security.interfaces.ECPublicKey) pair.getPublic()).getParams()),
					(java.security.interfaces.ECPublicKey) pair.getPublic())
				.build()
				.toJSONString();
			case RS256, PS256 -> new com.nimbusds.jose.jwk.RSAKey.Builder(
					(java.security.interfaces.RSAPublicKey) pair.getPublic())
				.build()
				.toJSONString();
			case EDDSA -> {
				byte[] encoded = pair.getPublic().getEncoded();
				yield new com.nimbusds.jose.jwk.OctetKeyPair.Builder(com.nimbusds.jose.jwk.Curve.Ed25519,
						com.nimbusds.jose.util.Base64URL
							.encode(java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length)))
					.build()
					.toJSONString();
			}
		};
	}

}
