package dev.tokenkeeper.benchmarks.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRegistrations;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.routing.TokenRouter;
import dev.tokenkeeper.web.TokenKeeperExchangeFilterFunction;

/**
 * Issue 13, clients at run time: 100,000 clients registered through {@code tokenKeeperClients}
 * in a real application context, each with a cached token from a loopback token endpoint that
 * mints {@code tok.<client_id>.<client_secret>}. Measures, in one run: {@code register}'s
 * latency; heap per client with its cached token (live heap after full GCs, run with
 * {@code -XX:+UseSerialGC}); cached-token lookups and routing by base URL with 10 and with
 * 100,000 clients; and 10,000 replacements while 8 threads call, counting calls given a token
 * minted for older credentials than those registered before the call began (stale) or for
 * another client (foreign).
 */
public final class RuntimeClientsBench {

	private RuntimeClientsBench() {
	}

	public static void main(String[] args) throws Exception {
		int count = Results.intProperty("runtime.clients", 100_000);
		int replaced = Results.intProperty("runtime.replaced", 10_000);
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("loadBefore", Results.loadAverage());
		try (Endpoint endpoint = new Endpoint();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(Bench.class)
					.web(WebApplicationType.NONE)
					.logStartupInfo(false)
					.properties("tokenkeeper.cache.maximum-size=" + (count * 2), "logging.level.root=warn",
							"spring.reactor.netty.shutdown-quiet-period=50ms")
					.run()) {
			TokenKeeperClients clients = context.getBean(TokenKeeperClients.class);
			TokenCache tokens = context.getBean(TokenCache.class);
			TokenRouter router = context.getBean(TokenKeeperRegistrations.class).router();
			TokenKeeperExchangeFilterFunction filter = context.getBean(TokenKeeperExchangeFilterFunction.class);
			long heapBefore = 0;
			List<Double> registerMicros = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				long start = System.nanoTime();
				clients.register(id(i), properties(endpoint, i, 0));
				if (i >= 10) {
					registerMicros.add((System.nanoTime() - start) / 1000.0);
				}
				if (i == 9) {
					fetch(tokens, 0, 10);
					results.put("lookupNs10", lookupNanos(tokens, 10, false));
					results.put("routeNs10", routeNanos(router, 10, false));
					results.put("filterNs10", filterNanos(filter, 10, false));
					// measured from here, over the clients still to come: ten clients have fetched
					// their tokens, so the HTTP client's buffer pools (not a client's cost) are
					// already allocated, as are the lookups' and the filter's own arrays, now garbage
					heapBefore = usedHeap();
				}
			}
			Collections.sort(registerMicros);
			results.put("registerMicrosMedian", Results.median(registerMicros));
			results.put("registerMicrosP99", registerMicros.get((int) (registerMicros.size() * 0.99)));
			// not part of what a client costs
			registerMicros = null;
			long fetchStart = System.nanoTime();
			fetch(tokens, 0, count);
			results.put("fetchSeconds", (System.nanoTime() - fetchStart) / 1e9);
			long heapAfter = usedHeap();
			CachedToken sample = tokens.peek(id(count / 2));
			long tokenString = 24 + 16 + sample.value().length();
			results.put("tokenStringBytes", tokenString);
			results.put("heapPerClientBytes", (heapAfter - heapBefore) / (double) (count - 10));
			results.put("heapPerClientBeyondTokenString", (heapAfter - heapBefore) / (double) (count - 10) - tokenString);
			results.put("lookupNs100k", lookupNanos(tokens, count, true));
			results.put("lookupNs10of100k", lookupNanos(tokens, 10, false));
			results.put("routeNs100k", routeNanos(router, count, true));
			results.put("filterNs100k", filterNanos(filter, count, true));
			// the cache-miss floor: a ConcurrentHashMap keyed by id and one read of what it holds,
			// with as many entries and the same random order
			results.put("floorNs10", floorNanos(10, false));
			results.put("floorNs100k", floorNanos(count, true));
			results.put("tokenRequestsBeforeRace", endpoint.requests.get());
			results.putAll(race(clients, tokens, endpoint, count, replaced));
			results.put("tokenRequests", endpoint.requests.get());
		}
		results.put("loadAfter", Results.loadAverage());
		results.forEach((key, value) -> System.out.println(key + " = " + value));
		Results.write(Results.outputDir(args), "runtime-clients", results);
	}

	private static String id(int i) {
		return "tenant-" + i;
	}

	private static Map<String, Object> properties(Endpoint endpoint, int i, int version) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("profile", "post-form");
		properties.put("token-uri", endpoint.tokenUri());
		properties.put("client-id", id(i));
		properties.put("client-secret", "s" + version);
		properties.put("base-urls", "http://127.0.0.1:9/t/" + i);
		properties.put("group", "tenants");
		return properties;
	}

	private static void fetch(TokenCache tokens, int from, int to) {
		Flux.range(from, to - from).flatMap((i) -> tokens.token(id(i)), 64).blockLast();
	}

	/** Median of 5 rounds of 2,000,000 cached-token lookups, in sequence or random order. */
	private static double lookupNanos(TokenCache tokens, int clients, boolean random) {
		String[] ids = new String[clients];
		for (int i = 0; i < clients; i++) {
			ids[i] = id(i);
		}
		int[] order = order(clients, 2_000_000, random);
		AtomicLong sink = new AtomicLong();
		List<Double> rounds = new ArrayList<>();
		for (int round = 0; round < 7; round++) {
			long start = System.nanoTime();
			for (int i : order) {
				tokens.token(ids[i]).subscribe((token) -> sink.lazySet(token.expiresAt().getEpochSecond()));
			}
			if (round >= 2) {
				rounds.add((System.nanoTime() - start) / (double) order.length);
			}
		}
		Collections.sort(rounds);
		return Results.median(rounds);
	}

	/**
	 * Median of 5 rounds of 2,000,000 look-ups in a {@code ConcurrentHashMap} of as many
	 * entries, each followed by one read of the object found: the least any per-client state
	 * costs to reach once it is not in a CPU cache.
	 */
	private static double floorNanos(int clients, boolean random) {
		Map<String, long[]> map = new java.util.concurrent.ConcurrentHashMap<>();
		String[] ids = new String[clients];
		for (int i = 0; i < clients; i++) {
			map.put(id(i), new long[] { i });
			ids[i] = id(i);
		}
		int[] order = order(clients, 2_000_000, random);
		long sink = 0;
		List<Double> rounds = new ArrayList<>();
		for (int round = 0; round < 7; round++) {
			long start = System.nanoTime();
			for (int i : order) {
				sink += map.get(ids[i])[0];
			}
			if (round >= 2) {
				rounds.add((System.nanoTime() - start) / (double) order.length);
			}
		}
		if (sink == 42) {
			System.out.print("");
		}
		Collections.sort(rounds);
		return Results.median(rounds);
	}

	private static final Mono<ClientResponse> ANSWERED = Mono.just(ClientResponse.create(HttpStatus.OK).build());

	private static final ExchangeFunction ANSWER = (request) -> ANSWERED;

	/**
	 * Median of 5 rounds of 1,000,000 calls through TokenKeeper's WebClient filter, the token
	 * chosen by the request URL's base URL. Each call builds its request, as a WebClient call
	 * does (and as the first wave's RegistrationCountBenchmark does), so the request itself is
	 * fresh in the CPU's caches: what grows with the clients is the filter's own state.
	 */
	private static double filterNanos(TokenKeeperExchangeFilterFunction filter, int clients, boolean random) {
		String[] urls = new String[clients];
		for (int i = 0; i < clients; i++) {
			urls[i] = "http://127.0.0.1:9/t/" + i + "/claims/42";
		}
		int[] order = order(clients, 1_000_000, random);
		long found = 0;
		List<Double> rounds = new ArrayList<>();
		for (int round = 0; round < 7; round++) {
			long start = System.nanoTime();
			for (int i : order) {
				ClientRequest request = ClientRequest.create(HttpMethod.GET, URI.create(urls[i])).build();
				found += (SyncSubscriber.get(filter.filter(request, ANSWER)) != null) ? 1 : 0;
			}
			if (round >= 2) {
				rounds.add((System.nanoTime() - start) / (double) order.length);
			}
		}
		if (found != 7L * order.length) {
			throw new IllegalStateException("filter answered no response: " + found);
		}
		Collections.sort(rounds);
		return Results.median(rounds);
	}

	/** Median of 5 rounds of 2,000,000 routing decisions by base URL. */
	private static double routeNanos(TokenRouter router, int clients, boolean random) {
		URI[] urls = new URI[clients];
		for (int i = 0; i < clients; i++) {
			urls[i] = URI.create("http://127.0.0.1:9/t/" + i + "/claims/42");
		}
		int[] order = order(clients, 2_000_000, random);
		long found = 0;
		List<Double> rounds = new ArrayList<>();
		for (int round = 0; round < 7; round++) {
			long start = System.nanoTime();
			for (int i : order) {
				found += (router.route(urls[i], null) != null) ? 1 : 0;
			}
			if (round >= 2) {
				rounds.add((System.nanoTime() - start) / (double) order.length);
			}
		}
		if (found != 7L * order.length) {
			throw new IllegalStateException("routing missed: " + found);
		}
		Collections.sort(rounds);
		return Results.median(rounds);
	}

	private static int[] order(int clients, int length, boolean random) {
		int[] order = new int[length];
		for (int i = 0; i < length; i++) {
			order[i] = random ? ThreadLocalRandom.current().nextInt(clients) : i % clients;
		}
		return order;
	}

	private static Map<String, Object> race(TokenKeeperClients clients, TokenCache tokens, Endpoint endpoint, int count,
			int replaced) throws InterruptedException {
		AtomicIntegerArray versions = new AtomicIntegerArray(count);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong calls = new AtomicLong();
		AtomicLong stale = new AtomicLong();
		AtomicLong foreign = new AtomicLong();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		for (int t = 0; t < 8; t++) {
			callers.execute(() -> {
				while (running.get()) {
					// mostly the clients being replaced, so that calls meet replacements
					int i = ThreadLocalRandom.current().nextInt(replaced * 2);
					int version = versions.get(i);
					String value = tokens.token(id(i)).block().value();
					calls.incrementAndGet();
					String[] parts = value.split("\\.");
					if (!parts[1].equals(id(i))) {
						foreign.incrementAndGet();
					}
					else if (Integer.parseInt(parts[2].substring(1)) < version) {
						stale.incrementAndGet();
					}
				}
			});
		}
		long start = System.nanoTime();
		for (int i = 0; i < replaced; i++) {
			clients.register(id(i), properties(endpoint, i, 1));
			versions.set(i, 1);
		}
		double replaceSeconds = (System.nanoTime() - start) / 1e9;
		running.set(false);
		callers.shutdown();
		callers.awaitTermination(60, TimeUnit.SECONDS);
		Map<String, Object> race = new LinkedHashMap<>();
		race.put("raceReplaced", replaced);
		race.put("raceReplaceSeconds", replaceSeconds);
		race.put("raceCalls", calls.get());
		race.put("raceStale", stale.get());
		race.put("raceForeign", foreign.get());
		return race;
	}

	private static long usedHeap() throws InterruptedException {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TokenKeeperAutoConfiguration.class, TokenKeeperWebClientAutoConfiguration.class })
	static class Bench {

	}

	/** Mints {@code tok.<client_id>.<client_secret>}, valid for an hour. */
	static final class Endpoint implements AutoCloseable {

		private final HttpServer server;

		private final ExecutorService executor = Executors.newFixedThreadPool(4);

		final AtomicLong requests = new AtomicLong();

		Endpoint() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
			this.server.setExecutor(this.executor);
			this.server.createContext("/token", this::handle);
			this.server.start();
		}

		String tokenUri() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";
		}

		private void handle(HttpExchange exchange) throws IOException {
			this.requests.incrementAndGet();
			try (exchange) {
				Map<String, String> form = new HashMap<>();
				for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
					.split("&")) {
					int eq = pair.indexOf('=');
					if (eq > 0) {
						form.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
					}
				}
				byte[] body = ("{\"access_token\":\"tok." + form.get("client_id") + "." + form.get("client_secret")
						+ "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		}

		@Override
		public void close() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
