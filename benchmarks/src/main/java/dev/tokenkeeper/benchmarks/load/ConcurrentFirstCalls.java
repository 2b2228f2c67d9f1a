package dev.tokenkeeper.benchmarks.load;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.benchmarks.support.ApiStub;
import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;

/**
 * Measure 3: a cold start under load. 1,000 calls are fired at once through a WebClient whose
 * token cache is empty: how many token requests reach the token endpoint, and what do the
 * callers get? Two ways:
 * <ul>
 * <li>{@code held}: the token endpoint holds its answers until all 1,000 calls have started,
 * so every call is a first call (1,000 truly concurrent first calls);</li>
 * <li>{@code spread}: the token endpoint answers each request after a latency (100 ms), and
 * the calls start as fast as one thread can start them; calls that start after the first
 * answer find a cached token.</li>
 * </ul>
 * Each side runs once unmeasured first (JIT warm-up).
 */
public final class ConcurrentFirstCalls {

	private ConcurrentFirstCalls() {
	}

	public static void main(String[] args) {
		int repeats = Results.intProperty("first.repeats", 5);
		int calls = Results.intProperty("first.calls", 1000);
		Duration latency = Duration.ofMillis(Results.intProperty("first.latencyMillis", 100));
		String loadBefore = Results.loadAverage();
		Map<String, Object> modes = new LinkedHashMap<>();
		for (boolean held : List.of(true, false)) {
			Map<String, Object> sides = new LinkedHashMap<>();
			for (Side side : List.of(Side.TOKENKEEPER, Side.STOCK)) {
				List<Integer> tokenRequests = new ArrayList<>();
				List<Integer> succeeded = new ArrayList<>();
				List<Long> millis = new ArrayList<>();
				run(side, calls, latency, held);
				for (int i = 0; i < repeats; i++) {
					Outcome outcome = run(side, calls, latency, held);
					tokenRequests.add(outcome.tokenRequests());
					succeeded.add(outcome.succeeded());
					millis.add(outcome.millis());
					System.out.printf("%-6s %-12s token requests %5d, calls answered 200: %d/%d, %d ms%n",
							held ? "held" : "spread", side.label(), outcome.tokenRequests(), outcome.succeeded(), calls,
							outcome.millis());
				}
				Map<String, Object> result = new LinkedHashMap<>();
				result.put("tokenRequests", Results.summary(tokenRequests));
				result.put("succeededCalls", Results.summary(succeeded));
				result.put("wallMillis", Results.summary(millis));
				sides.put(side.name().toLowerCase(), result);
			}
			modes.put(held ? "held" : "spread", sides);
		}
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("calls", calls);
		results.put("repeats", repeats);
		results.put("tokenEndpointLatencyMillis", latency.toMillis());
		results.put("modes", modes);
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		Results.write(Results.outputDir(args), "first-calls", results);
		System.exit(0);
	}

	/**
	 * One cold start with fresh stubs and a fresh stack.
	 * @param side whose stack
	 * @param calls how many calls at once
	 * @param latency the token endpoint's latency
	 * @param held whether the token endpoint holds its answers until all calls have started
	 * @return what happened
	 */
	public static Outcome run(Side side, int calls, Duration latency, boolean held) {
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), latency);
				ApiStub api = ApiStub.checking(null, (sequence) -> false);
				Connectors.Pooled pool = Connectors.create("first-calls")) {
			ReactorClientHttpConnector connector = pool.connector();
			List<BenchRegistration> registrations = List
				.of(new BenchRegistration("partner", tokenEndpoint.tokenUri(), api.baseUrl()));
			WebClient client = (side == Side.TOKENKEEPER)
					? TokenKeeperStack.create(registrations, Clock.systemUTC(), connector).webClient(connector)
					: StockStack.builder(registrations, Clock.systemUTC(), connector).build().webClient(connector);
			if (held) {
				tokenEndpoint.hold();
			}
			long start = System.nanoTime();
			List<Integer> statuses = Calls.concurrently(client, api.baseUrl() + "/items", calls,
					tokenEndpoint::release);
			long millis = (System.nanoTime() - start) / 1_000_000;
			int succeeded = (int) statuses.stream().filter((status) -> status == 200).count();
			return new Outcome(tokenEndpoint.requests(), succeeded, millis);
		}
	}

	/**
	 * One cold start's result.
	 * @param tokenRequests requests that reached the token endpoint
	 * @param succeeded calls answered 200
	 * @param millis from the first call to the last answer
	 */
	public record Outcome(int tokenRequests, int succeeded, long millis) {

	}

}
