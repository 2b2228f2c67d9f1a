package dev.tokenkeeper.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scores of every {@code jmh-*.json} in the results folder.
 */
final class JmhResults {

	private final List<Score> scores;

	private JmhResults(List<Score> scores) {
		this.scores = scores;
	}

	static JmhResults load(Path dir, JsonMapper json) {
		List<Score> scores = new ArrayList<>();
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.filter((path) -> path.getFileName().toString().matches("jmh-.*\\.json")).sorted()
				.toList()) {
				String text = Files.readString(file);
				if (text.isBlank()) {
					continue;
				}
				for (JsonNode run : json.readTree(text)) {
					scores.add(Score.of(run));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new JmhResults(scores);
	}

	/**
	 * A score.
	 * @param method {@code Class.method}, without the package
	 * @param threads benchmark threads
	 * @param param the value of the benchmark's parameter, or {@code null}
	 * @return the score, or {@code null} when not run
	 */
	Score find(String method, int threads, String param) {
		for (Score score : this.scores) {
			if (score.method().equals(method) && score.threads() == threads
					&& (param == null || param.equals(score.params().values().stream().findFirst().orElse(null)))) {
				return score;
			}
		}
		return null;
	}

	/**
	 * One benchmark's result.
	 * @param method {@code Class.method}
	 * @param threads threads
	 * @param params parameters
	 * @param median median of all measurement iterations of all forks
	 * @param min the fastest iteration
	 * @param max the slowest iteration
	 * @param mean JMH's score
	 * @param error JMH's error (99.9% confidence interval half-width)
	 * @param unit the unit
	 * @param forks forks
	 * @param iterations measurement iterations in all
	 * @param allocatedBytes bytes allocated per operation ({@code -prof gc}), or NaN
	 */
	record Score(String method, int threads, Map<String, String> params, double median, double min, double max,
			double mean, double error, String unit, int forks, int iterations, double allocatedBytes) {

		static Score of(JsonNode run) {
			String benchmark = run.get("benchmark").asString();
			String[] parts = benchmark.split("\\.");
			String method = parts[parts.length - 2] + "." + parts[parts.length - 1];
			Map<String, String> params = new LinkedHashMap<>();
			JsonNode paramsNode = run.get("params");
			if (paramsNode != null) {
				paramsNode.properties().forEach((entry) -> params.put(entry.getKey(), entry.getValue().asString()));
			}
			JsonNode metric = run.get("primaryMetric");
			List<Double> values = new ArrayList<>();
			for (JsonNode fork : metric.get("rawData")) {
				for (JsonNode value : fork) {
					values.add(value.asDouble());
				}
			}
			values.sort(Double::compare);
			int size = values.size();
			double median = (size % 2 == 1) ? values.get(size / 2) : (values.get(size / 2 - 1) + values.get(size / 2)) / 2;
			double error = metric.get("scoreError").asDouble();
			double allocated = Double.NaN;
			JsonNode secondary = run.get("secondaryMetrics");
			if (secondary != null) {
				for (Map.Entry<String, JsonNode> entry : secondary.properties()) {
					if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
						allocated = entry.getValue().get("score").asDouble();
					}
				}
			}
			return new Score(method, run.get("threads").asInt(), params, median, values.get(0), values.get(size - 1),
					metric.get("score").asDouble(), Double.isNaN(error) ? 0 : error, metric.get("scoreUnit").asString(),
					run.get("forks").asInt(), size, allocated);
		}

	}

}
