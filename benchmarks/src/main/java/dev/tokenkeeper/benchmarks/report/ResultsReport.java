package dev.tokenkeeper.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tokenkeeper.benchmarks.report.JmhResults.Score;

/**
 * Writes {@code RESULTS.md} from what {@code run.sh} left in the results folder: the table of
 * the six measures against their goals, the details with error bars, the machine and its load,
 * and the exact commands. Where a goal is missed it says by how much; why and what would fix it
 * are written from the measured numbers.
 */
public final class ResultsReport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The most a 10,000-registration lookup may cost against a 10-registration one to count as flat. */
	static final double FLAT = 1.5;

	private final Path dir;

	private final JmhResults jmh;

	private final StringBuilder out = new StringBuilder();

	private final List<String> rows = new ArrayList<>();

	private final List<String> missed = new ArrayList<>();

	private final Map<String, String> machine;

	private ResultsReport(Path dir) {
		this.dir = dir;
		this.jmh = JmhResults.load(dir, JSON);
		this.machine = machine(dir.resolve("machine.txt"));
	}

	public static void main(String[] args) throws IOException {
		Path dir = Path.of(args[0]);
		Path output = Path.of(args[1]);
		long elapsedSeconds = Long.parseLong(args[2]);
		String jmhOptions = (args.length > 3) ? args[3] : "";
		ResultsReport report = new ResultsReport(dir);
		String previous = Files.exists(output) ? Files.readString(output) : "";
		Files.writeString(output, report.write(elapsedSeconds, jmhOptions) + keptSections(previous));
	}

	/**
	 * The sections of an earlier RESULTS.md that this report does not write (those measured
	 * and written per issue, e.g. "Fleet at scale (issue 14)"), in their order, so that a full
	 * run does not drop them.
	 * @param previous the earlier file, possibly empty
	 * @return those sections, each from its {@code ## } heading to the next one
	 */
	static String keptSections(String previous) {
		StringBuilder kept = new StringBuilder();
		boolean keeping = false;
		for (String line : previous.split("\n", -1)) {
			if (line.startsWith("## ")) {
				keeping = !line.equals("## Machine and command") && !line.matches("## \\d+\\. .*");
			}
			if (keeping) {
				kept.append(line).append('\n');
			}
		}
		return (kept.length() > 0) ? "\n" + kept.toString().stripTrailing() + "\n" : "";
	}

	String write(long elapsedSeconds, String jmhOptions) {
		String acquisition = acquisition();
		String throughput = throughput();
		String firstCalls = firstCalls();
		String hour = simulatedHour();
		String registrations = registrations();
		String storm = storm();

		line("# TokenKeeper benchmarks: results");
		line("");
		line("TokenKeeper " + this.machine.getOrDefault("git", "") + " beside Spring Security 7.1.0's stock client-credentials "
				+ "stack (`AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager` + "
				+ "`InMemoryReactiveOAuth2AuthorizedClientService` + `ClientCredentialsReactiveOAuth2AuthorizedClientProvider` "
				+ "+ `ServerOAuth2AuthorizedClientExchangeFilterFunction`), measured in the same run, and a static "
				+ "`Authorization` header as the physical limit. Written by `benchmarks/run.sh` on "
				+ this.machine.getOrDefault("date", "?") + "; the whole run took " + elapsedSeconds + " s.");
		line("");
		line("| # | measure | TokenKeeper | stock | static / limit | goal | met? |");
		line("|---|---|---|---|---|---|---|");
		this.rows.forEach(this::line);
		line("");
		line("JMH figures are the median of all measurement iterations ± JMH's error (99.9% confidence interval of the "
				+ "mean); load-harness figures are the median of repeats [min–max]. Lower is better for ns/op, higher "
				+ "for calls/s.");
		line("");
		if (this.missed.isEmpty()) {
			line("Every goal was met in this run.");
		}
		else {
			line("**Goals missed in this run:** " + String.join("; ", this.missed) + ". See each measure below for "
					+ "by how much, why, and what would fix it.");
		}
		line("");
		machineSection(elapsedSeconds, jmhOptions);
		line("## 1. Cached token acquisition (JMH)");
		line("");
		this.out.append(acquisition);
		line("## 2. WebClient throughput on loopback");
		line("");
		this.out.append(throughput);
		line("## 3. 1,000 concurrent first calls");
		line("");
		this.out.append(firstCalls);
		line("## 4. A simulated hour of 60 s tokens");
		line("");
		this.out.append(hour);
		line("## 5. 10,000 registrations");
		line("");
		this.out.append(registrations);
		line("## 6. A 401 storm");
		line("");
		this.out.append(storm);
		return this.out.toString();
	}

	// ---- 1 ----------------------------------------------------------------------------------

	private String acquisition() {
		StringBuilder text = new StringBuilder();
		Score clock = this.jmh.find("TokenAcquisitionBenchmark.clockRead", 1, null);
		for (int threads : new int[] { 1, 2 }) {
			Score tokenKeeper = this.jmh.find("TokenAcquisitionBenchmark.tokenKeeperManager", threads, null);
			Score stock = this.jmh.find("TokenAcquisitionBenchmark.stockManager", threads, null);
			Score cache = this.jmh.find("TokenAcquisitionBenchmark.tokenKeeperCache", threads, null);
			Score prebuilt = this.jmh.find("TokenAcquisitionBenchmark.prebuiltMono", threads, null);
			if (tokenKeeper == null || stock == null) {
				this.rows.add("| 1 | cached token, " + threads + " thread(s) | not run | | | | |");
				continue;
			}
			double speedup = stock.median() / tokenKeeper.median();
			boolean fast = tokenKeeper.median() <= 100;
			boolean faster = speedup >= 20;
			String verdict;
			if (fast && faster) {
				verdict = String.format(Locale.ROOT, "yes (%.0f×)", speedup);
			}
			else {
				List<String> why = new ArrayList<>();
				if (!fast) {
					why.add(String.format(Locale.ROOT, "%.0f ns is %.0f%% over 100", tokenKeeper.median(),
							(tokenKeeper.median() / 100 - 1) * 100));
				}
				if (!faster) {
					why.add(String.format(Locale.ROOT, "%.1f× faster, not 20×", speedup));
				}
				verdict = "**no**: " + String.join(", ", why);
				this.missed.add("1 (" + threads + " thread" + ((threads > 1) ? "s" : "") + ")");
			}
			this.rows.add("| 1 | cached token via `authorize`, " + threads + " thread" + ((threads > 1) ? "s" : "")
					+ ", ns/op | " + ns(tokenKeeper) + " | " + ns(stock) + " | " + ns(prebuilt)
					+ " (`Mono.just` subscribed) | ≤ 100 ns, ≥ 20× faster | " + verdict + " |");
			if (cache != null) {
				this.rows.add("| 1 | `TokenCache#token` directly, " + threads + " thread" + ((threads > 1) ? "s" : "")
						+ ", ns/op | " + ns(cache) + " | — | " + ns(prebuilt) + " | ≤ 100 ns | "
						+ ((cache.median() <= 100) ? "yes" : "**no**") + " |");
			}
		}
		text.append("Each call subscribes to the returned Mono with a plain subscriber that takes the value emitted during "
				+ "`subscribe` (no `block()`), the same for both sides; tokens live an hour, so no call requests one "
				+ "(each run checks that only the two set-up token requests reached the stub).\n\n");
		text.append("| benchmark | threads | median ns/op | ± error | min–max | allocated B/op |\n"
				+ "|---|---|---|---|---|---|\n");
		for (String method : List.of("tokenKeeperManager", "stockManager", "tokenKeeperCache", "prebuiltMono",
				"caffeineLookup", "clockRead")) {
			for (int threads : new int[] { 1, 2 }) {
				Score score = this.jmh.find("TokenAcquisitionBenchmark." + method, threads, null);
				if (score != null) {
					String detail = detail(method, threads, score);
					text.append(detail, 0, detail.length() - 1)
						.append(Double.isNaN(score.allocatedBytes()) ? " — |"
								: String.format(Locale.ROOT, " %.0f |", score.allocatedBytes()))
						.append('\n');
				}
			}
		}
		text.append("\n");
		Score tokenKeeper = this.jmh.find("TokenAcquisitionBenchmark.tokenKeeperManager", 1, null);
		Score cache = this.jmh.find("TokenAcquisitionBenchmark.tokenKeeperCache", 1, null);
		Score stock = this.jmh.find("TokenAcquisitionBenchmark.stockManager", 1, null);
		Score prebuilt = this.jmh.find("TokenAcquisitionBenchmark.prebuiltMono", 1, null);
		Score caffeine = this.jmh.find("TokenAcquisitionBenchmark.caffeineLookup", 1, null);
		if (tokenKeeper != null && cache != null && clock != null && stock != null && prebuilt != null
				&& caffeine != null) {
			text.append(Findings.acquisition(tokenKeeper,
					this.jmh.find("TokenAcquisitionBenchmark.tokenKeeperManager", 2, null), cache, stock, prebuilt,
					caffeine, clock));
		}
		return text.toString();
	}

	// ---- 2 ----------------------------------------------------------------------------------

	private String throughput() {
		JsonNode results = read("throughput");
		if (results == null) {
			this.rows.add("| 2 | WebClient throughput | not run | | | | |");
			return "Not run.\n\n";
		}
		JsonNode rates = results.get("callsPerSecond");
		JsonNode cpu = results.get("cpuMicrosPerCall");
		JsonNode ratio = results.get("tokenKeeperToStatic");
		JsonNode cpuRatio = results.get("tokenKeeperToStaticByCpu");
		boolean met = ratio.get("median").asDouble() >= 0.97;
		boolean metByCpu = cpuRatio.get("median").asDouble() >= 0.97;
		String verdict;
		if (met) {
			verdict = "yes: " + ratio(ratio) + " × static (by CPU per call: " + ratio(cpuRatio) + ")";
		}
		else if (metByCpu) {
			verdict = "**no** by wall clock: " + ratio(ratio) + " × static, on a busy machine; yes by CPU per call: "
					+ ratio(cpuRatio);
			this.missed.add("2 (by wall clock; met by CPU per call)");
		}
		else {
			verdict = "**no**: " + ratio(ratio) + " × static (by CPU per call: " + ratio(cpuRatio) + ")";
			this.missed.add("2");
		}
		this.rows.add("| 2 | WebClient calls/s, loopback, " + results.get("concurrency").asInt() + " in flight | "
				+ perSecond(rates.get("tokenkeeper")) + " | " + perSecond(rates.get("stock")) + " | "
				+ perSecond(rates.get("static")) + " | ≥ 0.97 × static | " + verdict + " |");
		StringBuilder text = new StringBuilder();
		text.append(String.format(Locale.ROOT,
				"A Reactor Netty `HttpServer` on loopback answers 200 \"ok\"; one WebClient per variant over the same "
						+ "connector (pool of 500) keeps %d calls in flight for %d ms at a time: %d rounds after 4 "
						+ "warm-up rounds, the three variants in a rotating order, ratios taken within a round. Client "
						+ "and server share the machine's cores, so this measures CPU per call. Each trial also records "
						+ "the process's CPU time per call (client, server, GC and JIT), which other work on a shared "
						+ "machine hardly changes: with the cores to itself the process would reach calls/s in that "
						+ "ratio.%n%n",
				results.get("concurrency").asInt(), results.get("trialMillis").asInt(), results.get("rounds").asInt()));
		text.append("| variant | calls/s median | min–max | CPU µs per call median | min–max |\n|---|---|---|---|---|\n");
		for (String name : List.of("tokenkeeper", "stock", "static")) {
			JsonNode summary = rates.get(name);
			JsonNode cpuSummary = cpu.get(name);
			text.append("| ").append(name).append(" | ").append(round(summary.get("median"))).append(" | ")
				.append(round(summary.get("min"))).append("–").append(round(summary.get("max"))).append(" | ")
				.append(String.format(Locale.ROOT, "%.1f | %.1f–%.1f", cpuSummary.get("median").asDouble(),
						cpuSummary.get("min").asDouble(), cpuSummary.get("max").asDouble()))
				.append(" |\n");
		}
		text.append(String.format(Locale.ROOT,
				"%nTokenKeeper ÷ static header: %s by calls/s, %s by CPU per call. Stock ÷ static header: %s by "
						+ "calls/s, %s by CPU per call. Failed calls: %s. Load average before / after: %s / %s.%n%n",
				ratio(ratio), ratio(cpuRatio), ratio(results.get("stockToStatic")), ratio(results.get("stockToStaticByCpu")),
				results.get("failedCalls"), results.get("loadBefore").asString(), results.get("loadAfter").asString()));
		Score tokenKeeperFilter = this.jmh.find("FilterOverheadBenchmark.tokenKeeperFilter", 1, null);
		Score stockFilter = this.jmh.find("FilterOverheadBenchmark.stockFilter", 1, null);
		Score staticHeader = this.jmh.find("FilterOverheadBenchmark.staticHeader", 1, null);
		if (tokenKeeperFilter != null && stockFilter != null && staticHeader != null) {
			text.append("The filters alone (JMH, network replaced by an exchange function that answers at once):\n\n");
			text.append("| benchmark | threads | median ns/op | ± error | min–max |\n|---|---|---|---|---|\n");
			text.append(detail("tokenKeeperFilter", 1, tokenKeeperFilter));
			text.append(detail("stockFilter", 1, stockFilter));
			text.append(detail("staticHeader (no filter)", 1, staticHeader));
			text.append("\n");
			text.append(Findings.throughput(cpu, ratio, cpuRatio, tokenKeeperFilter, stockFilter, staticHeader, met));
		}
		return text.toString();
	}

	// ---- 3 ----------------------------------------------------------------------------------

	private String firstCalls() {
		JsonNode results = read("first-calls");
		if (results == null) {
			this.rows.add("| 3 | 1,000 concurrent first calls | not run | | | | |");
			return "Not run.\n\n";
		}
		int calls = results.get("calls").asInt();
		StringBuilder text = new StringBuilder();
		text.append(String.format(Locale.ROOT,
				"A fresh stack and fresh stubs per repeat (%d repeats after one warm-up); %d calls fired at once "
						+ "through the WebClient (`flatMap` with concurrency %d, pool of 500 connections, unbounded "
						+ "pending acquires). The token endpoint stub counts POSTs. Two ways:\n\n"
						+ "- **held**: the token endpoint holds every answer until all %d calls have started, so each call "
						+ "finds the cache empty: %d truly concurrent first calls;\n"
						+ "- **spread**: the token endpoint answers after %d ms, and the calls start as fast as one thread "
						+ "starts them; calls that start after the first answer find a cached token.\n\n",
				results.get("repeats").asInt(), calls, calls, calls, calls,
				results.get("tokenEndpointLatencyMillis").asInt()));
		text.append("| mode | side | token requests median [min–max] | calls answered 200 | wall ms median [min–max] |\n"
				+ "|---|---|---|---|---|\n");
		for (String mode : List.of("held", "spread")) {
			JsonNode sides = results.get("modes").get(mode);
			JsonNode tokenKeeper = sides.get("tokenkeeper");
			JsonNode stock = sides.get("stock");
			boolean met = tokenKeeper.get("tokenRequests").get("max").asDouble() == 1
					&& tokenKeeper.get("succeededCalls").get("min").asDouble() == calls;
			if (!met) {
				this.missed.add("3 (" + mode + ")");
			}
			this.rows.add("| 3 | 1,000 concurrent first calls (" + mode + "): token requests | "
					+ spread(tokenKeeper.get("tokenRequests")) + " | " + spread(stock.get("tokenRequests")) + " | — | 1 | "
					+ (met ? "yes" : "**no**") + " |");
			for (String side : List.of("tokenkeeper", "stock")) {
				JsonNode result = sides.get(side);
				text.append("| ").append(mode).append(" | ").append(side).append(" | ")
					.append(spread(result.get("tokenRequests"))).append(" | ")
					.append(spread(result.get("succeededCalls"))).append(" of ").append(calls).append(" | ")
					.append(spread(result.get("wallMillis"))).append(" |\n");
			}
		}
		text.append(String.format(Locale.ROOT, "\nLoad average before / after: %s / %s.\n\n",
				results.get("loadBefore").asString(), results.get("loadAfter").asString()));
		text.append(Findings.firstCalls(results));
		return text.toString();
	}

	// ---- 4 ----------------------------------------------------------------------------------

	private String simulatedHour() {
		JsonNode results = read("simulated-hour");
		if (results == null) {
			this.rows.add("| 4 | simulated hour | not run | | | | |");
			return "Not run.\n\n";
		}
		JsonNode sides = results.get("sides");
		JsonNode tokenKeeper = sides.get("tokenkeeper");
		JsonNode stock = sides.get("stock");
		long bound = results.get("tokenKeeperBound").asLong();
		boolean met = tokenKeeper.get("tokenRequests").asLong() <= bound && tokenKeeper.get("sentExpired").asLong() == 0
				&& tokenKeeper.get("failed").asLong() == 0;
		if (!met) {
			this.missed.add("4");
		}
		this.rows.add("| 4 | simulated hour, 60 s tokens: token requests / calls sent expired | "
				+ hour(tokenKeeper) + " | " + hour(stock) + " | ≤ " + bound + " / 0 | ≤ 1 per refresh period + 1; 0 expired | "
				+ (met ? "yes" : "**no**") + " |");
		StringBuilder text = new StringBuilder();
		text.append(String.format(Locale.ROOT,
				"A simulated clock (read by TokenKeeper, by the stock provider, and by both stubs) runs %d s in steps of "
						+ "%d ms; each step fires %d calls at once, waits for them, and moves the clock on. The token "
						+ "endpoint issues %d s tokens whose value encodes their expiry; the API answers 401 to, and "
						+ "counts, any call whose token has expired by the same clock. TokenKeeper's defaults give a 60 s "
						+ "token %d s of use (skew: half the lifetime, as it is shorter than twice the 60 s `expiry-skew`) "
						+ "and a refresh-ahead point at %.0f s: at most one request per %.0f s, %d in the hour (+1).\n\n",
				results.get("simulatedSeconds").asInt(), results.get("stepMillis").asInt(),
				results.get("callsPerStep").asInt(), results.get("tokenLifetimeSeconds").asInt(),
				results.get("tokenLifetimeSeconds").asInt() / 2, results.get("tokenKeeperRefreshPeriodSeconds").asDouble(),
				results.get("tokenKeeperRefreshPeriodSeconds").asDouble(), bound - 1));
		text.append("Spring Security dates a token response with `Instant.now()` (the provider has `setClock`, the "
				+ "response reader does not), so the harness re-stamps each new stock token with the simulated clock at "
				+ "arrival, as TokenKeeper's own clock does; without that the stock provider would compare simulated "
				+ "time against real-time expiries.\n\n");
		text.append("| side | token requests | calls | answered 200 | sent with an expired token | failed | real time ms |\n"
				+ "|---|---|---|---|---|---|---|\n");
		sides.properties().forEach((entry) -> {
			JsonNode side = entry.getValue();
			text.append("| ").append(side.get("label").asString()).append(" | ").append(side.get("tokenRequests"))
				.append(" | ").append(side.get("calls")).append(" | ").append(side.get("ok")).append(" | ")
				.append(side.get("sentExpired")).append(" | ").append(side.get("failed")).append(" | ")
				.append(side.get("wallMillis")).append(" |\n");
		});
		text.append(String.format(Locale.ROOT, "\nLoad average before / after: %s / %s.\n\n",
				results.get("loadBefore").asString(), results.get("loadAfter").asString()));
		text.append(Findings.simulatedHour(results));
		return text.toString();
	}

	// ---- 5 ----------------------------------------------------------------------------------

	private String registrations() {
		StringBuilder text = new StringBuilder();
		JsonNode heap = read("heap");
		if (heap == null) {
			this.rows.add("| 5 | heap per cached token | not run | | | | |");
		}
		else {
			JsonNode tokenKeeper = heap.get("tokenkeeper");
			JsonNode stock = heap.get("stock");
			double beyond = tokenKeeper.get("bytesPerTokenBeyondString").asDouble();
			boolean met = beyond <= 2048;
			if (!met) {
				this.missed.add("5 (heap)");
			}
			this.rows.add(String.format(Locale.ROOT,
					"| 5 | heap per cached token beyond the token string, %,d registrations | %.0f B | %.0f B | — | ≤ 2 KiB | %s |",
					heap.get("registrations").asInt(), beyond, stock.get("bytesPerTokenBeyondString").asDouble(),
					met ? "yes" : "**no**"));
			text.append(String.format(Locale.ROOT,
					"**Heap.** %,d registrations are configured, then each gets a token (%d-character values). The live "
							+ "heap after a full GC (`-XX:+UseSerialGC`, whose full collection leaves exactly the live "
							+ "objects) with the tokens minus before them, divided by their number, is what a cached token "
							+ "costs: the cache's entry and table included. The token string (%d B here) is the provider's "
							+ "and the same on both sides, so it is taken out.\n\n",
					heap.get("registrations").asInt(), tokenKeeper.get("tokenStringLength").asInt(),
					tokenKeeper.get("tokenStringBytes").asInt()));
			text.append("| side | heap before | heap after | per token | token string | per token beyond it | one token's "
					+ "own objects (JOL) |\n|---|---|---|---|---|---|---|\n");
			for (String side : List.of("tokenkeeper", "stock")) {
				JsonNode result = heap.get(side);
				text.append(String.format(Locale.ROOT, "| %s | %,d B | %,d B | %.0f B | %d B | %.0f B | %d B |%n", side,
						result.get("heapBeforeBytes").asLong(), result.get("heapAfterBytes").asLong(),
						result.get("bytesPerToken").asDouble(), result.get("tokenStringBytes").asInt(),
						result.get("bytesPerTokenBeyondString").asDouble(), result.get("oneTokenGraphBytes").asInt()));
			}
			text.append("\n<details><summary>JOL: one TokenKeeper token's own objects (objects shared with another token "
					+ "left out)</summary>\n\n```\n").append(tokenKeeper.get("oneTokenFootprint").asString().strip())
				.append("\n```\n</details>\n\n");
			text.append("<details><summary>JOL: one stock token's own objects (the repository's ClientRegistration and "
					+ "shared objects left out)</summary>\n\n```\n").append(stock.get("oneTokenFootprint").asString().strip())
				.append("\n```\n</details>\n\n");
			text.append(Findings.heap(heap));
			text.append(String.format(Locale.ROOT, "Garbage collector: %s. Load average before / after: %s / %s.%n%n",
					heap.get("garbageCollectors"), heap.get("loadBefore").asString(), heap.get("loadAfter").asString()));
		}
		text.append("**Lookup.** JMH, each registration with a cached token; lookups walk all registrations in a fixed "
				+ "shuffled order (with 10,000, the working set no longer fits the CPU caches). The filters run with an "
				+ "exchange function that answers at once, and each call builds its request (`URI.create`, "
				+ "`ClientRequest`) as a WebClient call does: TokenKeeper's filter finds the registration from the URL "
				+ "(each registration has its own base URL under one origin), the stock filter is told it by request "
				+ "attribute.\n\n");
		text.append("| benchmark | 10 registrations | 10,000 registrations | ratio |\n|---|---|---|---|\n");
		Map<String, Double> ratios = new LinkedHashMap<>();
		for (String method : List.of("tokenKeeperCache", "stockManager", "tokenKeeperFilter", "stockFilter")) {
			Score few = this.jmh.find("RegistrationCountBenchmark." + method, 1, "10");
			Score many = this.jmh.find("RegistrationCountBenchmark." + method, 1, "10000");
			if (few == null || many == null) {
				continue;
			}
			double ratio = many.median() / few.median();
			ratios.put(method, ratio);
			text.append("| ").append(method).append(" | ").append(ns(few)).append(" | ").append(ns(many)).append(" | ")
				.append(String.format(Locale.ROOT, "%.2f×", ratio)).append(" |\n");
		}
		text.append("\n");
		Score cacheFew = this.jmh.find("RegistrationCountBenchmark.tokenKeeperCache", 1, "10");
		Score cacheMany = this.jmh.find("RegistrationCountBenchmark.tokenKeeperCache", 1, "10000");
		Score stockFew = this.jmh.find("RegistrationCountBenchmark.stockManager", 1, "10");
		Score stockMany = this.jmh.find("RegistrationCountBenchmark.stockManager", 1, "10000");
		if (cacheFew != null && cacheMany != null) {
			double ratio = ratios.get("tokenKeeperCache");
			boolean met = ratio <= FLAT;
			if (!met) {
				this.missed.add("5 (lookup)");
			}
			this.rows.add(String.format(Locale.ROOT,
					"| 5 | token lookup, 10 → 10,000 registrations, ns/op | %s → %s (%.2f×) | %s | — | flat (≤ %.1f×) | %s |",
					ns(cacheFew), ns(cacheMany), ratio,
					(stockFew != null && stockMany != null) ? String.format(Locale.ROOT, "%s → %s (%.2f×)", ns(stockFew),
							ns(stockMany), ratios.get("stockManager")) : "not run",
					FLAT, met ? "yes" : "**no**"));
		}
		Score filterFew = this.jmh.find("RegistrationCountBenchmark.tokenKeeperFilter", 1, "10");
		Score filterMany = this.jmh.find("RegistrationCountBenchmark.tokenKeeperFilter", 1, "10000");
		Score stockFilterFew = this.jmh.find("RegistrationCountBenchmark.stockFilter", 1, "10");
		Score stockFilterMany = this.jmh.find("RegistrationCountBenchmark.stockFilter", 1, "10000");
		if (filterFew != null && filterMany != null) {
			double ratio = ratios.get("tokenKeeperFilter");
			boolean met = ratio <= FLAT;
			if (!met) {
				this.missed.add("5 (filter by URL)");
			}
			this.rows.add(String.format(Locale.ROOT,
					"| 5 | filter, token chosen by URL, 10 → 10,000 registrations, ns/op | %s → %s (%.2f×) | %s (by attribute) | — | flat (≤ %.1f×) | %s |",
					ns(filterFew), ns(filterMany), ratio,
					(stockFilterFew != null && stockFilterMany != null) ? String.format(Locale.ROOT, "%s → %s (%.2f×)",
							ns(stockFilterFew), ns(stockFilterMany), ratios.get("stockFilter")) : "not run",
					FLAT, met ? "yes" : "**no**"));
		}
		text.append(String.format(Locale.ROOT,
				"\"Flat\" is read here as: the 10,000-registration figure within %.1f× of the 10-registration one. A "
						+ "lookup that does work per registration grows 1,000×; what a constant-time lookup still pays "
						+ "with 10,000 is cache misses on a working set larger than the CPU's caches.%n%n", FLAT));
		text.append(Findings.registrations(ratios, filterFew, filterMany, stockFilterFew));
		return text.toString();
	}

	// ---- 6 ----------------------------------------------------------------------------------

	private String storm() {
		JsonNode results = read("unauthorized-storm");
		if (results == null) {
			this.rows.add("| 6 | 401 storm | not run | | | | |");
			return "Not run.\n\n";
		}
		int calls = results.get("calls").asInt();
		JsonNode sides = results.get("sides");
		JsonNode tokenKeeper = sides.get("tokenkeeper").get("firstWave");
		boolean met = tokenKeeper.get("tokenRequests").get("max").asDouble() == 1
				&& tokenKeeper.get("tokenRequests").get("min").asDouble() == 1
				&& tokenKeeper.get("succeeded").get("min").asDouble() == calls;
		if (!met) {
			this.missed.add("6");
		}
		JsonNode stock = sides.get("stock").get("firstWave");
		this.rows.add("| 6 | 401 storm, " + String.format(Locale.ROOT, "%,d", calls)
				+ " concurrent calls: token requests / calls answered 200 | " + spread(tokenKeeper.get("tokenRequests"))
				+ " / " + spread(tokenKeeper.get("succeeded")) + " | " + spread(stock.get("tokenRequests")) + " / "
				+ spread(stock.get("succeeded")) + " | — | 1 / " + String.format(Locale.ROOT, "%,d", calls) + " | "
				+ (met ? "yes" : "**no**") + " |");
		StringBuilder text = new StringBuilder();
		text.append(String.format(Locale.ROOT,
				"Token 1 is cached first; then %,d calls fire at once. The API answers 401 to token 1 and 200 to any "
						+ "later token, and holds those 401s until all %,d have arrived, so every call has gone out with "
						+ "token 1 before the first 401 returns (one connection per call). A second wave of %,d follows "
						+ "the storm. %d repeats after one warm-up; the token endpoint answers after %d ms.%n%n",
				calls, calls, calls, results.get("repeats").asInt(), results.get("tokenEndpointLatencyMillis").asInt()));
		text.append("| side | wave | token requests | callers got 200 | callers got 401 | requests at the API |\n"
				+ "|---|---|---|---|---|---|\n");
		sides.properties().forEach((entry) -> {
			JsonNode side = entry.getValue();
			for (String wave : List.of("firstWave", "secondWave")) {
				JsonNode result = side.get(wave);
				text.append("| ").append(side.get("label").asString()).append(" | ")
					.append(wave.equals("firstWave") ? "storm" : "next wave").append(" | ")
					.append(spread(result.get("tokenRequests"))).append(" | ").append(spread(result.get("succeeded")))
					.append(" | ").append(spread(result.get("unauthorized"))).append(" | ")
					.append(spread(result.get("apiRequests"))).append(" |\n");
			}
		});
		text.append(String.format(Locale.ROOT, "%nLoad average before / after: %s / %s.%n%n",
				results.get("loadBefore").asString(), results.get("loadAfter").asString()));
		text.append(Findings.storm(results));
		return text.toString();
	}

	// ---- machine ----------------------------------------------------------------------------

	private void machineSection(long elapsedSeconds, String jmhOptions) {
		line("## Machine and command");
		line("");
		line("| | |");
		line("|---|---|");
		for (String key : List.of("nproc", "cpu", "memory", "jdk", "os", "date", "git")) {
			line("| " + key + " | " + this.machine.getOrDefault(key, "?") + " |");
		}
		line("| load average (1, 5, 15 min) at start | " + this.machine.getOrDefault("load at start", "?") + " |");
		line("| load average at end | " + this.machine.getOrDefault("load at end", "?") + " |");
		line("| run time | " + elapsedSeconds + " s |");
		line("");
		List<String> during = new ArrayList<>();
		for (String name : List.of("acquisition-1t", "acquisition-2t", "registrations", "filter")) {
			String before = readText("load-" + name + ".before");
			String after = readText("load-" + name + ".after");
			if (before != null) {
				during.add("JMH " + name + ": " + before + " → " + after);
			}
		}
		for (String name : List.of("throughput", "first-calls", "simulated-hour", "unauthorized-storm", "heap")) {
			JsonNode results = read(name);
			if (results != null) {
				during.add(name + ": " + results.get("loadBefore").asString() + " → "
						+ results.get("loadAfter").asString());
			}
		}
		line("Load average around each part (before → after): " + String.join("; ", during) + ".");
		line("");
		line(Findings.load(this.machine, during));
		line("");
		line("Command: `benchmarks/run.sh` (JMH options `" + jmhOptions + "`), which ran:");
		line("");
		line("```");
		String commands = readText("commands.txt");
		line((commands != null) ? commands.strip() : "?");
		line("```");
		line("");
	}

	// ---- formatting -------------------------------------------------------------------------

	static String ns(Score score) {
		if (score == null) {
			return "not run";
		}
		return number(score.median()) + " ± " + number(score.error()) + " ns";
	}

	static String number(double value) {
		return (value < 100) ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String detail(String name, int threads, Score score) {
		return "| " + name + " | " + threads + " | " + number(score.median()) + " | " + number(score.error()) + " | "
				+ number(score.min()) + "–" + number(score.max()) + " |\n";
	}

	private static String perSecond(JsonNode summary) {
		return round(summary.get("median")) + " [" + round(summary.get("min")) + "–" + round(summary.get("max")) + "]";
	}

	private static String round(JsonNode value) {
		return String.format(Locale.ROOT, "%,.0f", value.asDouble());
	}

	static String ratio(JsonNode summary) {
		return String.format(Locale.ROOT, "%.3f [%.3f–%.3f]", summary.get("median").asDouble(),
				summary.get("min").asDouble(), summary.get("max").asDouble());
	}

	static String spread(JsonNode summary) {
		double median = summary.get("median").asDouble();
		double min = summary.get("min").asDouble();
		double max = summary.get("max").asDouble();
		if (min == max) {
			return String.format(Locale.ROOT, "%,.0f", median);
		}
		return String.format(Locale.ROOT, "%,.0f [%,.0f–%,.0f]", median, min, max);
	}

	private static String hour(JsonNode side) {
		return String.format(Locale.ROOT, "%,d / %d", side.get("tokenRequests").asLong(), side.get("sentExpired").asLong());
	}

	private JsonNode read(String measure) {
		String text = readText(measure + ".json");
		return (text != null) ? JSON.readTree(text) : null;
	}

	private String readText(String name) {
		Path file = this.dir.resolve(name);
		if (!Files.exists(file)) {
			return null;
		}
		try {
			return Files.readString(file).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, String> machine(Path file) {
		Map<String, String> machine = new LinkedHashMap<>();
		if (Files.exists(file)) {
			try {
				for (String line : Files.readAllLines(file)) {
					int colon = line.indexOf(": ");
					if (colon > 0) {
						machine.put(line.substring(0, colon), line.substring(colon + 2));
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return machine;
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

}
