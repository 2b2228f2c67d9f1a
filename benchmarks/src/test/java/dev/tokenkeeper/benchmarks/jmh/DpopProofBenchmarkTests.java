package dev.tokenkeeper.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DPoP benchmark measures what it claims for every algorithm: the DPoP stack holds a
 * DPoP-bound token and its filter sends a proof, the bearer stack does not (both checked in
 * {@code setUp}), the bare signature is the length the algorithm's proofs carry, and the set-up
 * made one token request per stack ({@code tearDown}).
 */
class DpopProofBenchmarkTests {

	@ParameterizedTest
	@ValueSource(strings = { "ES256", "ES384", "RS256", "PS256", "EDDSA" })
	void operationsWhenRunOnceThenEachDoesItsWork(String algorithm) throws GeneralSecurityException {
		DpopProofBenchmark benchmark = new DpopProofBenchmark();
		benchmark.algorithm = algorithm;
		benchmark.setUp();
		try {
			String proof = benchmark.proof();
			String header = new String(Base64.getUrlDecoder().decode(proof.substring(0, proof.indexOf('.'))),
					StandardCharsets.UTF_8);
			assertThat(header).contains("\"typ\":\"dpop+jwt\"");
			byte[] proofSignature = Base64.getUrlDecoder().decode(proof.substring(proof.lastIndexOf('.') + 1));
			assertThat(benchmark.bareSignature()).hasSize(proofSignature.length);
			assertThat(benchmark.dpopFilter().statusCode().value()).isEqualTo(200);
			assertThat(benchmark.bearerFilter().statusCode().value()).isEqualTo(200);
		}
		finally {
			benchmark.tearDown();
		}
	}

}
