package dev.tokenkeeper.benchmarks.load;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jol.info.GraphLayout;
import reactor.core.publisher.Flux;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.cache.CachedToken;

/**
 * Measure 5 (heap): 10,000 configured registrations, then a token cached for each. The heap
 * a cached token costs is the live heap after a full GC with the tokens minus before them
 * (run with {@code -XX:+UseSerialGC}, whose full GC leaves exactly the live objects), divided
 * by their number: it counts everything a token brings (the cache's entry and table, the
 * token's own objects). JOL breaks one token's own objects down by class (the cache's entry
 * and table are not in that graph). The token string itself is
 * reported apart, as it is the provider's and the same on both sides.
 */
public final class HeapPerToken {

	private static final String PRINCIPAL = "service";

	private HeapPerToken() {
	}

	public static void main(String[] args) {
		int count = Results.intProperty("heap.registrations", 10_000);
		String loadBefore = Results.loadAverage();
		Map<String, Object> results = new LinkedHashMap<>();
		try (TokenEndpointStub tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1),
				Duration.ZERO); Connectors.Pooled pool = Connectors.create("heap")) {
			ReactorClientHttpConnector connector = pool.connector();
			// warm the I/O path (connections, buffers) and the JIT, so neither lands in a measurement
			tokenKeeper(500, tokenEndpoint, connector);
			stock(500, tokenEndpoint, connector);
			results.put("registrations", count);
			results.put("tokenkeeper", tokenKeeper(count, tokenEndpoint, connector));
			results.put("stock", stock(count, tokenEndpoint, connector));
		}
		results.put("garbageCollectors",
				ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
		results.put("loadBefore", loadBefore);
		results.put("loadAfter", Results.loadAverage());
		Results.write(Results.outputDir(args), "heap", results);
		System.out.println(results);
		System.exit(0);
	}

	private static Map<String, Object> tokenKeeper(int count, TokenEndpointStub tokenEndpoint,
			ReactorClientHttpConnector connector) {
		List<BenchRegistration> registrations = BenchRegistration.many(count, tokenEndpoint.tokenUri(),
				"http://127.0.0.1:1/api");
		TokenKeeperStack stack = TokenKeeperStack.create(registrations, Clock.systemUTC(), connector);
		List<String> ids = registrations.stream().map(BenchRegistration::id).toList();
		long before = usedAfterGc();
		Flux.fromIterable(ids).flatMap(stack.cache()::token, 64).blockLast();
		long after = usedAfterGc();
		long cached = ids.stream().filter((id) -> stack.cache().peek(id) != null).count();
		CachedToken one = stack.cache().peek(ids.get(0));
		Map<String, Object> result = result(count, cached, before, after, one.value());
		// objects one token shares with another (constants, empty collections) are not its own
		GraphLayout token = GraphLayout.parseInstance(one)
			.subtract(GraphLayout.parseInstance(stack.cache().peek(ids.get(1))));
		result.put("oneTokenGraphBytes", token.totalSize());
		result.put("oneTokenFootprint", token.toFootprint());
		Reference.reachabilityFence(stack);
		return result;
	}

	private static Map<String, Object> stock(int count, TokenEndpointStub tokenEndpoint,
			ReactorClientHttpConnector connector) {
		List<BenchRegistration> registrations = BenchRegistration.many(count, tokenEndpoint.tokenUri(),
				"http://127.0.0.1:1/api");
		StockStack stack = StockStack.builder(registrations, Clock.systemUTC(), connector).build();
		List<OAuth2AuthorizeRequest> requests = registrations.stream()
			.map((registration) -> OAuth2AuthorizeRequest.withClientRegistrationId(registration.id())
				.principal(PRINCIPAL)
				.build())
			.toList();
		long before = usedAfterGc();
		Flux.fromIterable(requests).flatMap(stack.manager()::authorize, 64).blockLast();
		long after = usedAfterGc();
		long cached = registrations.stream()
			.filter((registration) -> stack.service().loadAuthorizedClient(registration.id(), PRINCIPAL).block() != null)
			.count();
		OAuth2AuthorizedClient one = stack.service()
			.<OAuth2AuthorizedClient>loadAuthorizedClient(registrations.get(0).id(), PRINCIPAL)
			.block();
		OAuth2AuthorizedClient another = stack.service()
			.<OAuth2AuthorizedClient>loadAuthorizedClient(registrations.get(1).id(), PRINCIPAL)
			.block();
		Map<String, Object> result = result(count, cached, before, after, one.getAccessToken().getTokenValue());
		// objects one token shares with another (constants) are not its own, nor is the
		// ClientRegistration: it is the repository's, there before any token
		GraphLayout token = GraphLayout.parseInstance(one)
			.subtract(GraphLayout.parseInstance(another))
			.subtract(GraphLayout.parseInstance(one.getClientRegistration()));
		result.put("oneTokenGraphBytes", token.totalSize());
		result.put("oneTokenFootprint", token.toFootprint());
		Reference.reachabilityFence(stack);
		return result;
	}

	private static Map<String, Object> result(int count, long cached, long before, long after, String tokenValue) {
		if (cached != count) {
			throw new IllegalStateException("Expected " + count + " cached tokens, found " + cached);
		}
		long tokenString = GraphLayout.parseInstance(tokenValue).totalSize();
		double perToken = (after - before) / (double) count;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("cachedTokens", cached);
		result.put("heapBeforeBytes", before);
		result.put("heapAfterBytes", after);
		result.put("bytesPerToken", perToken);
		result.put("tokenStringBytes", tokenString);
		result.put("tokenStringLength", tokenValue.length());
		result.put("bytesPerTokenBeyondString", perToken - tokenString);
		return result;
	}

	private static long usedAfterGc() {
		Runtime runtime = Runtime.getRuntime();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
		}
		return used;
	}

}
