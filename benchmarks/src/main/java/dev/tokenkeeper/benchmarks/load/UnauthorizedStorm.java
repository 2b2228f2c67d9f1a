package dev.tokenkeeper.benchmarks.load;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.benchmarks.support.ApiStub;
import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;

/**
 * Measure 6: the API revokes the cached token. The first token (sequence 1) is cached; then
 * 1,000 calls fire at once and the API answers each 401 while it carries that token, 200 for
 * any later one; it holds those 401s until all 1,000 have arrived, so that every call has
 * been sent with the revoked token before the first 401 comes back. A second wave of 1,000
 * follows, to show what the cache holds after the storm. Each side runs once unmeasured first
 * (JIT warm-up).
 */
public final class UnauthorizedStorm {

	private UnauthorizedStorm() {
	}

	public static void main(String[] args) {
		int repeats = Results.intProperty("storm.repeats", 3);
		int calls = Results.intProperty("storm.calls", 1000);
		Duration latency = Duration.ofMillis(Results.intProperty("storm.latencyMillis", 50));
		String loadBefore = Results.loadAverage();
		Map<String, Object> sides = new LinkedHashMap<>();
		for (Side side : List.of(Side.TOKENKEEPER, Side.STOCK, Side.STOCK_REMOVE_ON_401)) {
			run(side, calls, latency);
			List<Outcome> outcomes = new ArrayList<>();
			for (int i = 0; i < repeats; i++) {
				Outcome outcome = run(side, calls, latency);
				outcomes.add(outcome);
				System.out.printf("%-40s wave 1: %s; wave 2: %s%n", side.label(), outcome.first(), outcome.second());
			}
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("label", side.label());
			result.put("firstWave", summary(outcomes.stream().map(Outcome::first).toList()));
			result.put("secondWave", summary(outcomes.stream().map(Outcome::second).toList()));
			sides.put(side.name().toLowerCase(), result);
		}
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("calls", calls);
		results.put("repeats", repeats);
		results.put("tokenEndpointLatencyMillis", latency.toMillis());
		results.put("sides", sides);
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		Results.write(Results.outputDir(args), "unauthorized-storm", results);
		System.exit(0);
	}

	private static Map<String, Object> summary(List<Wave> waves) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("tokenRequests", Results.summary(waves.stream().map(Wave::tokenRequests).toList()));
		summary.put("succeeded", Results.summary(waves.stream().map(Wave::succeeded).toList()));
		summary.put("unauthorized", Results.summary(waves.stream().map(Wave::unauthorized).toList()));
		summary.put("apiRequests", Results.summary(waves.stream().map(Wave::apiRequests).toList()));
		return summary;
	}

	/**
	 * One storm and the wave after it, with fresh stubs and a fresh stack.
	 * @param side whose stack
	 * @param calls calls per wave
	 * @param latency the token endpoint's latency
	 * @return what happened
	 */
	public static Outcome run(Side side, int calls, Duration latency) {
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), latency);
				ApiStub api = ApiStub.checking(null, (sequence) -> sequence == 1);
				// one connection per call, so that all of them are on the wire at once
				Connectors.Pooled pool = Connectors.create("unauthorized-storm", calls + 100)) {
			api.holdRejectionsUntil(calls);
			ReactorClientHttpConnector connector = pool.connector();
			List<BenchRegistration> registrations = List
				.of(new BenchRegistration("partner", tokenEndpoint.tokenUri(), api.baseUrl()));
			// token 1 cached before the storm, for the principal the stock filter uses
			OAuth2AuthorizeRequest first = OAuth2AuthorizeRequest.withClientRegistrationId("partner")
				.principal(StockStack.ANONYMOUS_PRINCIPAL)
				.build();
			WebClient client;
			if (side == Side.TOKENKEEPER) {
				TokenKeeperStack stack = TokenKeeperStack.create(registrations, Clock.systemUTC(), connector);
				stack.manager().authorize(first).block();
				client = stack.webClient(connector);
			}
			else {
				StockStack.Builder builder = StockStack.builder(registrations, Clock.systemUTC(), connector);
				if (side == Side.STOCK_REMOVE_ON_401) {
					builder.removeOnUnauthorized();
				}
				StockStack stack = builder.build();
				stack.manager().authorize(first).block();
				client = stack.webClient(connector);
			}
			String url = api.baseUrl() + "/items";
			Wave firstWave = wave(client, url, calls, tokenEndpoint, api);
			Wave secondWave = wave(client, url, calls, tokenEndpoint, api);
			return new Outcome(firstWave, secondWave);
		}
	}

	private static Wave wave(WebClient client, String url, int calls, TokenEndpointStub tokenEndpoint, ApiStub api) {
		int tokenRequestsBefore = tokenEndpoint.requests();
		int apiRequestsBefore = api.requests();
		List<Integer> statuses = Calls.concurrently(client, url, calls);
		int succeeded = (int) statuses.stream().filter((status) -> status == 200).count();
		int unauthorized = (int) statuses.stream().filter((status) -> status == 401).count();
		return new Wave(tokenEndpoint.requests() - tokenRequestsBefore, succeeded, unauthorized,
				api.requests() - apiRequestsBefore);
	}

	/**
	 * One wave of concurrent calls.
	 * @param tokenRequests token requests sent during the wave
	 * @param succeeded calls the caller saw answered 200
	 * @param unauthorized calls the caller saw answered 401
	 * @param apiRequests requests that reached the API (replays included)
	 */
	public record Wave(int tokenRequests, int succeeded, int unauthorized, int apiRequests) {

		@Override
		public String toString() {
			return this.tokenRequests + " token requests, " + this.succeeded + " × 200, " + this.unauthorized
					+ " × 401, " + this.apiRequests + " API requests";
		}

	}

	/**
	 * A storm and the wave after it.
	 * @param first the storm
	 * @param second the next wave
	 */
	public record Outcome(Wave first, Wave second) {

	}

}
