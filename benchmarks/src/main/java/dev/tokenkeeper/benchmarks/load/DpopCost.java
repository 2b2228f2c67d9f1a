package dev.tokenkeeper.benchmarks.load;

import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.tokenkeeper.benchmarks.jmh.DpopProofBenchmark;

/**
 * The DPoP benchmark's four operations measured in this thread's CPU time ({@link CpuRounds}),
 * per algorithm; the ratios (the filter with DPoP over the bare signature, over the bearer
 * filter) are taken within each round.
 */
public final class DpopCost {

	private DpopCost() {
	}

	public static void main(String[] args) throws GeneralSecurityException {
		int rounds = Results.intProperty("dpop.rounds", 10);
		String loadBefore = Results.loadAverage();
		Map<String, Object> results = new LinkedHashMap<>();
		for (String algorithm : List.of("ES256", "ES384", "RS256", "PS256", "EDDSA")) {
			DpopProofBenchmark benchmark = new DpopProofBenchmark();
			benchmark.algorithm = algorithm;
			benchmark.setUp();
			Map<String, Supplier<?>> operations = new LinkedHashMap<>();
			operations.put("bareSignature", () -> {
				try {
					return benchmark.bareSignature();
				}
				catch (GeneralSecurityException ex) {
					throw new IllegalStateException(ex);
				}
			});
			operations.put("proof", benchmark::proof);
			operations.put("dpopFilter", benchmark::dpopFilter);
			operations.put("bearerFilter", benchmark::bearerFilter);
			// 0.1 to 1.5 s of CPU per measurement on JDK 17: RSA 2048 signs take about 1 ms each
			int ops = algorithm.startsWith("ES") || algorithm.equals("EDDSA") ? 1000 : 100;
			List<Map<String, Double>> measured = CpuRounds.run(operations, ops, rounds);
			benchmark.tearDown();
			Map<String, Object> result = CpuRounds.summaries(measured);
			result.put("dpopFilterToBareSignature",
					CpuRounds.summary(measured, (round) -> round.get("dpopFilter") / round.get("bareSignature")));
			result.put("proofToBareSignature",
					CpuRounds.summary(measured, (round) -> round.get("proof") / round.get("bareSignature")));
			result.put("dpopFilterMinusBearerFilterCpuNanos",
					CpuRounds.summary(measured, (round) -> round.get("dpopFilter") - round.get("bearerFilter")));
			results.put(algorithm, result);
			System.out.println(algorithm + ": " + result);
		}
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		Results.write(Results.outputDir(args), "dpop-cost", results);
		System.exit(0);
	}

}
