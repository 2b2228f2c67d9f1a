package dev.tokenkeeper.benchmarks.load;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.benchmarks.support.ApiStub;
import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.SimulatedClock;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;

/**
 * Measure 4: an hour of steady load against a provider that issues 60 s tokens, on a simulated
 * clock that TokenKeeper, the stock provider and both stubs read. Each step fires a few
 * concurrent calls, waits for them, and advances the clock. The API answers 401 to a token
 * past its expiry (by the same clock) and counts it.
 */
public final class SimulatedHour {

	/** The tokens' {@code expires_in}. */
	public static final Duration TOKEN_LIFETIME = Duration.ofSeconds(60);

	private SimulatedHour() {
	}

	public static void main(String[] args) {
		Duration hour = Duration.ofSeconds(Results.intProperty("hour.seconds", 3600));
		Duration step = Duration.ofMillis(Results.intProperty("hour.stepMillis", 500));
		int callsPerStep = Results.intProperty("hour.callsPerStep", 2);
		String loadBefore = Results.loadAverage();
		Map<String, Object> sides = new LinkedHashMap<>();
		for (Side side : List.of(Side.TOKENKEEPER, Side.STOCK, Side.STOCK_SKEW_30S)) {
			Outcome outcome = run(side, hour, step, callsPerStep);
			System.out.printf("%-24s token requests %6d, calls %6d, answered 200 %6d, sent expired %d, failed %d (%d ms)%n",
					side.label(), outcome.tokenRequests(), outcome.calls(), outcome.ok(), outcome.expired(),
					outcome.failed(), outcome.millis());
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("label", side.label());
			result.put("tokenRequests", outcome.tokenRequests());
			result.put("calls", outcome.calls());
			result.put("ok", outcome.ok());
			result.put("sentExpired", outcome.expired());
			result.put("failed", outcome.failed());
			result.put("wallMillis", outcome.millis());
			sides.put(side.name().toLowerCase(), result);
		}
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("simulatedSeconds", hour.toSeconds());
		results.put("stepMillis", step.toMillis());
		results.put("callsPerStep", callsPerStep);
		results.put("tokenLifetimeSeconds", TOKEN_LIFETIME.toSeconds());
		results.put("tokenKeeperRefreshPeriodSeconds", refreshPeriod().toMillis() / 1000.0);
		results.put("tokenKeeperBound", bound(hour));
		results.put("sides", sides);
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		Results.write(Results.outputDir(args), "simulated-hour", results);
		System.exit(0);
	}

	/**
	 * TokenKeeper's refresh period for a 60 s token with the defaults: its refresh-ahead point.
	 * @return {@code refresh-ahead × usable life}
	 */
	public static Duration refreshPeriod() {
		// a 60 s token is shorter than twice the 60 s skew: the skew is half its lifetime
		Duration usable = TOKEN_LIFETIME.dividedBy(2);
		return Duration.ofMillis((long) (usable.toMillis() * TokenKeeperStack.LIFETIME.refreshAhead()));
	}

	/**
	 * The goal: at most one token request per refresh period, plus one.
	 * @param duration the simulated time
	 * @return the most token requests allowed
	 */
	public static long bound(Duration duration) {
		long period = refreshPeriod().toMillis();
		return (duration.toMillis() + period - 1) / period + 1;
	}

	/**
	 * Run a simulated stretch of time.
	 * @param side whose stack
	 * @param duration simulated time
	 * @param step how far the clock moves after each step's calls
	 * @param callsPerStep calls fired at once per step
	 * @return what happened
	 */
	public static Outcome run(Side side, Duration duration, Duration step, int callsPerStep) {
		SimulatedClock clock = new SimulatedClock(Instant.parse("2025-01-01T00:00:00Z"));
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(clock, TOKEN_LIFETIME, Duration.ZERO);
				ApiStub api = ApiStub.checking(clock, (sequence) -> false);
				Connectors.Pooled pool = Connectors.create("simulated-hour")) {
			ReactorClientHttpConnector connector = pool.connector();
			List<BenchRegistration> registrations = List
				.of(new BenchRegistration("partner", tokenEndpoint.tokenUri(), api.baseUrl()));
			WebClient client = switch (side) {
				case TOKENKEEPER -> TokenKeeperStack.create(registrations, clock, connector).webClient(connector);
				case STOCK -> StockStack.builder(registrations, clock, connector)
					.restampWithClock()
					.build()
					.webClient(connector);
				case STOCK_SKEW_30S -> StockStack.builder(registrations, clock, connector)
					.restampWithClock()
					.clockSkew(Duration.ofSeconds(30))
					.build()
					.webClient(connector);
				default -> throw new IllegalArgumentException(side.name());
			};
			String url = api.baseUrl() + "/items";
			long steps = duration.toMillis() / step.toMillis();
			long calls = 0;
			long failed = 0;
			long start = System.nanoTime();
			for (long i = 0; i < steps; i++) {
				List<Integer> statuses = Calls.concurrently(client, url, callsPerStep);
				calls += statuses.size();
				failed += statuses.stream().filter((status) -> status != 200).count();
				clock.advance(step);
			}
			long millis = (System.nanoTime() - start) / 1_000_000;
			return new Outcome(tokenEndpoint.requests(), calls, api.ok(), api.expired(), failed, millis);
		}
	}

	/**
	 * A simulated stretch's result.
	 * @param tokenRequests requests that reached the token endpoint
	 * @param calls API calls made
	 * @param ok calls the API answered 200
	 * @param expired calls that carried an expired token
	 * @param failed calls that did not end with 200
	 * @param millis real time taken
	 */
	public record Outcome(int tokenRequests, long calls, int ok, int expired, long failed, long millis) {

	}

}
