package dev.tokenkeeper.benchmarks.jmh;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The harness measures what it claims: cached lookups of a {@code private-key-jwt}
 * registration sign nothing (its tear-down checks one signature and one token request per
 * registration), and each assertion benchmark signs a JWT with the algorithm it names.
 */
class PrivateKeyJwtAcquisitionBenchmarkTests {

	@Test
	void lookupsWhenCachedThenOneTokenRequestPerRegistrationAndOneSignatureInAll() {
		PrivateKeyJwtAcquisitionBenchmark benchmark = new PrivateKeyJwtAcquisitionBenchmark();
		benchmark.setUp();
		for (int i = 0; i < 10_000; i++) {
			assertThat(benchmark.privateKeyJwtCache()).isNotNull();
			assertThat(benchmark.secretBasedCache()).isNotNull();
		}
		assertThatNoException().isThrownBy(benchmark::tearDown);
	}

	@Test
	void assertionWhenEachAlgorithmThenSignedWithIt() throws Exception {
		for (String algorithm : new String[] { "RS256", "RS384", "ES256", "ES384" }) {
			ClientAssertionBenchmark benchmark = new ClientAssertionBenchmark();
			benchmark.algorithm = algorithm;
			benchmark.setUp();
			assertThat(SignedJWT.parse(benchmark.assertion()).getHeader().getAlgorithm().getName()).isEqualTo(algorithm);
		}
	}

}
