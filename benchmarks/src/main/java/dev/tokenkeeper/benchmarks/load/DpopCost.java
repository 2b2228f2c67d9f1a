package dev.tokenkeeper.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.tokenkeeper.benchmarks.jmh.DpopProofBenchmark;

/**
 * The DPoP benchmark's four operations measured in this thread's CPU time rather than wall
 * time: on a shared machine other processes stretch wall time many times over, but hardly the
 * CPU an operation itself takes. Rounds interleave the operations; the ratios (the filter with
 * DPoP over the bare signature, over the bearer filter) are taken within each round.
 */
public final class DpopCost {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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
			Map<String, Supplier<Object>> operations = new LinkedHashMap<>();
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
			// enough operations for ~50 ms of CPU each: RSA signs are ~20x slower than EC
			int ops = algorithm.startsWith("ES") || algorithm.equals("EDDSA") ? 1000 : 100;
			List<String> names = new ArrayList<>(operations.keySet());
			for (String name : names) {
				cpuNanosPerOp(operations.get(name), ops * 3);
			}
			Map<String, List<Double>> nanos = new LinkedHashMap<>();
			names.forEach((name) -> nanos.put(name, new ArrayList<>()));
			List<Double> filterToSignature = new ArrayList<>();
			List<Double> proofToSignature = new ArrayList<>();
			List<Double> dpopToBearerAdded = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				Map<String, Double> measured = new LinkedHashMap<>();
				for (int i = 0; i < names.size(); i++) {
					String name = names.get((round + i) % names.size());
					measured.put(name, cpuNanosPerOp(operations.get(name), ops));
				}
				measured.forEach((name, value) -> nanos.get(name).add(value));
				filterToSignature.add(measured.get("dpopFilter") / measured.get("bareSignature"));
				proofToSignature.add(measured.get("proof") / measured.get("bareSignature"));
				dpopToBearerAdded.add(measured.get("dpopFilter") - measured.get("bearerFilter"));
			}
			benchmark.tearDown();
			Map<String, Object> result = new LinkedHashMap<>();
			nanos.forEach((name, values) -> result.put(name + "CpuNanos", Results.summary(values)));
			result.put("dpopFilterToBareSignature", Results.summary(filterToSignature));
			result.put("proofToBareSignature", Results.summary(proofToSignature));
			result.put("dpopFilterMinusBearerFilterCpuNanos", Results.summary(dpopToBearerAdded));
			results.put(algorithm, result);
			System.out.println(algorithm + ": " + result);
		}
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		Results.write(Results.outputDir(args), "dpop-cost", results);
		System.exit(0);
	}

	private static double cpuNanosPerOp(Supplier<Object> operation, int ops) {
		Object sink = null;
		long start = THREADS.getCurrentThreadCpuTime();
		for (int i = 0; i < ops; i++) {
			sink = operation.get();
		}
		long cpu = THREADS.getCurrentThreadCpuTime() - start;
		if (sink == null) {
			throw new IllegalStateException("No result");
		}
		return (double) cpu / ops;
	}

}
