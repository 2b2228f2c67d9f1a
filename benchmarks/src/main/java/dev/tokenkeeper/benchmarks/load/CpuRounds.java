package dev.tokenkeeper.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Operations measured in this thread's CPU time rather than wall time: on a shared machine
 * other processes stretch wall time many times over, but hardly the CPU an operation itself
 * takes. Rounds run the operations in a rotating order, so that drift hits all alike, and
 * ratios are taken within a round.
 */
final class CpuRounds {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private CpuRounds() {
	}

	/**
	 * Warm each operation up ({@code 3 × ops}), then measure it in every round.
	 * @param operations the operations, by name
	 * @param ops operations per measurement
	 * @param rounds how many rounds
	 * @return per round, CPU nanoseconds per operation by name
	 */
	static List<Map<String, Double>> run(Map<String, Supplier<?>> operations, int ops, int rounds) {
		List<String> names = new ArrayList<>(operations.keySet());
		names.forEach((name) -> cpuNanosPerOp(operations.get(name), ops * 3));
		List<Map<String, Double>> measured = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			Map<String, Double> inRound = new LinkedHashMap<>();
			for (int i = 0; i < names.size(); i++) {
				String name = names.get((round + i) % names.size());
				inRound.put(name, cpuNanosPerOp(operations.get(name), ops));
			}
			measured.add(inRound);
		}
		return measured;
	}

	/**
	 * Each operation's summary over the rounds, as {@code <name>CpuNanos}.
	 * @param measured what {@link #run} returned
	 * @return the summaries
	 */
	static Map<String, Object> summaries(List<Map<String, Double>> measured) {
		Map<String, Object> result = new LinkedHashMap<>();
		for (String name : measured.get(0).keySet()) {
			result.put(name + "CpuNanos", summary(measured, (round) -> round.get(name)));
		}
		return result;
	}

	/**
	 * A figure computed within each round (a ratio, a difference), summarised over the rounds.
	 * @param measured what {@link #run} returned
	 * @param figure the figure of one round
	 * @return its summary
	 */
	static Map<String, Object> summary(List<Map<String, Double>> measured,
			ToDoubleFunction<Map<String, Double>> figure) {
		List<Double> values = new ArrayList<>();
		measured.forEach((round) -> values.add(figure.applyAsDouble(round)));
		return Results.summary(values);
	}

	private static double cpuNanosPerOp(Supplier<?> operation, int ops) {
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
