package dev.tokenkeeper.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.benchmarks.support.ApiStub;
import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.dpop.DpopAlgorithm;

/**
 * Measure 2: WebClient calls per second to a Reactor Netty server on loopback that answers 200
 * "ok", with a fixed number of calls in flight: TokenKeeper's filter (with a bearer token, and
 * with a DPoP-bound token and an ES256 proof per call), the stock filter, and a static
 * {@code Authorization} header (the physical limit). Rounds alternate the three in a
 * rotating order so that drift in the machine's load hits all alike; the ratio to the static
 * header is taken within each round. Besides calls per second of wall-clock time, each trial
 * records this process's CPU time per call, which other work on a shared machine hardly
 * changes: with the cores to itself, the process would reach calls/s in that ratio.
 */
public final class Throughput {

	private static final com.sun.management.OperatingSystemMXBean CPU = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private Throughput() {
	}

	public static void main(String[] args) {
		// many short rounds: a burst of other work on a shared machine spoils one round, not the median
		int trialMillis = Results.intProperty("throughput.trialMillis", 1000);
		int rounds = Results.intProperty("throughput.rounds", 20);
		int concurrency = Results.intProperty("throughput.concurrency", 32);
		String loadBefore = Results.loadAverage();
		try (ApiStub api = ApiStub.plain();
				TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1),
						Duration.ZERO)) {
			ReactorClientHttpConnector tokenConnector = Connectors.create("tokens").connector();
			ReactorClientHttpConnector apiConnector = Connectors.create("api").connector();
			List<BenchRegistration> registrations = List
				.of(new BenchRegistration("partner", tokenEndpoint.tokenUri(), api.baseUrl()));
			TokenKeeperStack tokenKeeper = TokenKeeperStack.create(registrations, Clock.systemUTC(), tokenConnector);
			StockStack stock = StockStack.builder(registrations, Clock.systemUTC(), tokenConnector).build();
			// the static header carries a token of the same length the stub issues
			String staticToken = stock.manager()
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("partner").principal("static").build())
				.block()
				.getAccessToken()
				.getTokenValue();
			// dpop.enabled with ES256: the stub answers a proof with a DPoP-bound token
			TokenKeeperStack tokenKeeperDpop = TokenKeeperStack.createWithDpop(registrations, Clock.systemUTC(),
					tokenConnector, DpopAlgorithm.ES256);
			Map<String, WebClient> clients = new LinkedHashMap<>();
			clients.put("tokenkeeper", tokenKeeper.webClient(apiConnector));
			clients.put("tokenkeeper-dpop", tokenKeeperDpop.webClient(apiConnector));
			clients.put("stock", stock.webClient(apiConnector));
			clients.put("static", WebClient.builder()
				.clientConnector(apiConnector)
				.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + staticToken)
				.build());
			String url = api.baseUrl() + "/items";
			List<String> names = new ArrayList<>(clients.keySet());
			for (int warmUp = 0; warmUp < 4; warmUp++) {
				for (String name : names) {
					run(clients.get(name), url, concurrency, Duration.ofMillis(trialMillis));
				}
			}
			Map<String, List<Double>> rates = new LinkedHashMap<>();
			Map<String, List<Double>> cpu = new LinkedHashMap<>();
			names.forEach((name) -> {
				rates.put(name, new ArrayList<>());
				cpu.put(name, new ArrayList<>());
			});
			Map<String, Long> failures = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < names.size(); i++) {
					String name = names.get((round + i) % names.size());
					Trial trial = run(clients.get(name), url, concurrency, Duration.ofMillis(trialMillis));
					rates.get(name).add(trial.callsPerSecond());
					cpu.get(name).add(trial.cpuMicrosPerCall());
					failures.merge(name, trial.failures(), Long::sum);
				}
			}
			List<Double> tokenKeeperRatio = new ArrayList<>();
			List<Double> stockRatio = new ArrayList<>();
			List<Double> tokenKeeperCpuRatio = new ArrayList<>();
			List<Double> stockCpuRatio = new ArrayList<>();
			List<Double> dpopToBearer = new ArrayList<>();
			List<Double> dpopToBearerByCpu = new ArrayList<>();
			List<Double> dpopCpuAdded = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				dpopToBearer.add(rates.get("tokenkeeper-dpop").get(round) / rates.get("tokenkeeper").get(round));
				dpopToBearerByCpu.add(cpu.get("tokenkeeper").get(round) / cpu.get("tokenkeeper-dpop").get(round));
				dpopCpuAdded.add(cpu.get("tokenkeeper-dpop").get(round) - cpu.get("tokenkeeper").get(round));
				double limit = rates.get("static").get(round);
				tokenKeeperRatio.add(rates.get("tokenkeeper").get(round) / limit);
				stockRatio.add(rates.get("stock").get(round) / limit);
				// calls per CPU-second, relative: the static header's CPU per call over the variant's
				double limitCpu = cpu.get("static").get(round);
				tokenKeeperCpuRatio.add(limitCpu / cpu.get("tokenkeeper").get(round));
				stockCpuRatio.add(limitCpu / cpu.get("stock").get(round));
			}
			Map<String, Object> results = new LinkedHashMap<>();
			results.put("trialMillis", trialMillis);
			results.put("rounds", rounds);
			results.put("concurrency", concurrency);
			Map<String, Object> callsPerSecond = new LinkedHashMap<>();
			rates.forEach((name, values) -> callsPerSecond.put(name, Results.summary(values)));
			results.put("callsPerSecond", callsPerSecond);
			Map<String, Object> cpuPerCall = new LinkedHashMap<>();
			cpu.forEach((name, values) -> cpuPerCall.put(name, Results.summary(values)));
			results.put("cpuMicrosPerCall", cpuPerCall);
			results.put("tokenKeeperToStatic", Results.summary(tokenKeeperRatio));
			results.put("stockToStatic", Results.summary(stockRatio));
			results.put("tokenKeeperToStaticByCpu", Results.summary(tokenKeeperCpuRatio));
			results.put("stockToStaticByCpu", Results.summary(stockCpuRatio));
			results.put("dpopToBearer", Results.summary(dpopToBearer));
			results.put("dpopToBearerByCpu", Results.summary(dpopToBearerByCpu));
			results.put("dpopCpuMicrosAddedPerCall", Results.summary(dpopCpuAdded));
			results.put("failedCalls", failures);
			results.put("tokenRequests", tokenEndpoint.requests());
			results.put("loadBefore", loadBefore);
			results.put("loadAfter", Results.loadAverage());
			Results.write(Results.outputDir(args), "throughput", results);
			System.out.println("TokenKeeper / static header: " + results.get("tokenKeeperToStatic") + ", by CPU: "
					+ results.get("tokenKeeperToStaticByCpu"));
			System.out.println("TokenKeeper DPoP / bearer: " + results.get("dpopToBearer") + ", by CPU: "
					+ results.get("dpopToBearerByCpu") + ", CPU added per call (us): "
					+ results.get("dpopCpuMicrosAddedPerCall"));
		}
		System.exit(0);
	}

	private static Trial run(WebClient client, String url, int concurrency, Duration duration) {
		AtomicLong ok = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		long cpuStart = CPU.getProcessCpuTime();
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		Flux.range(0, Integer.MAX_VALUE)
			.takeWhile((i) -> System.nanoTime() < deadline)
			.flatMap((i) -> Calls.call(client, url), concurrency)
			.doOnNext((status) -> ((status == 200) ? ok : failed).incrementAndGet())
			.blockLast();
		double elapsedSeconds = (System.nanoTime() - start) / 1e9;
		double cpuMicros = (CPU.getProcessCpuTime() - cpuStart) / 1e3;
		return new Trial(ok.get() / elapsedSeconds, cpuMicros / Math.max(1, ok.get()), failed.get());
	}

	/**
	 * One trial.
	 * @param callsPerSecond calls answered 200 per second of wall-clock time
	 * @param cpuMicrosPerCall this process's CPU time (client and server, GC and JIT included) per call
	 * @param failures calls not answered 200
	 */
	private record Trial(double callsPerSecond, double cpuMicrosPerCall, long failures) {

	}

}
