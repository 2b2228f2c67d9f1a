package dev.tokenkeeper.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where each load run leaves its numbers ({@code <dir>/<measure>.json}) for the report, and the
 * statistics they are summarised with.
 */
public final class Results {

	static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private Results() {
	}

	static void write(Path dir, String measure, Map<String, Object> results) {
		try {
			Files.createDirectories(dir);
			Files.writeString(dir.resolve(measure + ".json"), JSON.writeValueAsString(results));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Median, minimum and maximum of repeated measurements, and the values themselves.
	 * @param values the measurements
	 * @return the summary
	 */
	static Map<String, Object> summary(List<? extends Number> values) {
		List<Double> sorted = new ArrayList<>();
		values.forEach((value) -> sorted.add(value.doubleValue()));
		sorted.sort(Double::compare);
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("median", median(sorted));
		summary.put("min", sorted.get(0));
		summary.put("max", sorted.get(sorted.size() - 1));
		summary.put("values", values);
		return summary;
	}

	static double median(List<Double> sorted) {
		int size = sorted.size();
		return (size % 2 == 1) ? sorted.get(size / 2) : (sorted.get(size / 2 - 1) + sorted.get(size / 2)) / 2;
	}

	/**
	 * The machine's load averages (1, 5, 15 minutes), to judge whether other work competed.
	 * @return the first three fields of {@code /proc/loadavg}, or "unknown"
	 */
	static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	static int intProperty(String name, int defaultValue) {
		return Integer.getInteger("bench." + name, defaultValue);
	}

	static Path outputDir(String[] args) {
		return Path.of((args.length > 0) ? args[0] : "target/results");
	}

}
