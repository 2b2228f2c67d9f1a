package dev.tokenkeeper.benchmarks.jmh;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.cache.CachedToken;

/**
 * Measure 5 (lookup): a cached-token lookup with 10 and with 10,000 configured registrations,
 * each with a cached token and a base URL of its own. Lookups walk all registrations in a fixed
 * shuffled order, so with 10,000 the working set no longer fits the CPU's caches, as in a real
 * multi-tenant service. Besides the cache and the managers, the filters (network replaced by
 * an exchange that answers at once): TokenKeeper's finds the registration by URL, the stock
 * one by request attribute.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegistrationCountBenchmark {

	@Param({ "10", "10000" })
	public int registrations;

	private TokenEndpointStub tokenEndpoint;

	private TokenKeeperStack tokenKeeper;

	private StockStack stock;

	private String[] ids;

	private OAuth2AuthorizeRequest[] requests;

	private int expectedTokenRequests;

	private String[] urls;

	private static final Mono<ClientResponse> ANSWERED = Mono.just(ClientResponse.create(HttpStatus.OK).build());

	private static final ExchangeFunction ANSWER = (request) -> ANSWERED;

	@Setup(Level.Trial)
	public void setUp(BenchmarkParams params) {
		this.tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO);
		ReactorClientHttpConnector connector = Connectors.create("registration-count").connector();
		List<BenchRegistration> all = BenchRegistration.many(this.registrations, this.tokenEndpoint.tokenUri(),
				"http://127.0.0.1:1/api");
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < this.registrations; i++) {
			order.add(i);
		}
		Collections.shuffle(order, new Random(42));
		this.ids = new String[this.registrations];
		this.requests = new OAuth2AuthorizeRequest[this.registrations];
		this.urls = new String[this.registrations];
		for (int i = 0; i < this.registrations; i++) {
			BenchRegistration registration = all.get(order.get(i));
			this.ids[i] = registration.id();
			// the principal the stock filter uses outside a web request, so its filter finds these tokens
			this.requests[i] = OAuth2AuthorizeRequest.withClientRegistrationId(this.ids[i])
				.principal(StockStack.ANONYMOUS_PRINCIPAL)
				.build();
			this.urls[i] = registration.baseUrl() + "/items";
		}
		// fill only the side this benchmark reads: 10,000 token requests take a while
		if (params.getBenchmark().contains(".stock")) {
			this.stock = StockStack.builder(all, Clock.systemUTC(), connector).build();
			Flux.fromArray(this.requests).flatMap(this.stock.manager()::authorize, 64).blockLast();
		}
		else {
			this.tokenKeeper = TokenKeeperStack.create(all, Clock.systemUTC(), connector);
			Flux.fromArray(this.ids).flatMap(this.tokenKeeper.cache()::token, 64).blockLast();
		}
		this.expectedTokenRequests = this.registrations;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		int requests = this.tokenEndpoint.requests();
		this.tokenEndpoint.close();
		if (requests != this.expectedTokenRequests) {
			throw new IllegalStateException("Expected " + this.expectedTokenRequests + " token requests, saw " + requests
					+ ": the benchmark did not measure cached tokens only");
		}
	}

	/** Each benchmark thread walks the registrations from its own position. */
	@State(Scope.Thread)
	public static class Cursor {

		private int next;

		int next(int size) {
			int index = this.next;
			this.next = (index + 1 == size) ? 0 : index + 1;
			return index;
		}

	}

	@Benchmark
	public CachedToken tokenKeeperCache(Cursor cursor) {
		return SyncSubscriber.get(this.tokenKeeper.cache().token(this.ids[cursor.next(this.registrations)]));
	}

	@Benchmark
	public OAuth2AuthorizedClient stockManager(Cursor cursor) {
		return SyncSubscriber.get(this.stock.manager().authorize(this.requests[cursor.next(this.registrations)]));
	}

	/**
	 * TokenKeeper's filter, choosing the registration by the request URL (its base URL). Each
	 * call builds its request, as a WebClient call does, so the request is fresh in the CPU's
	 * caches as in real use (10,000 prebuilt requests visited in turn would not be).
	 */
	@Benchmark
	public ClientResponse tokenKeeperFilter(Cursor cursor) {
		ClientRequest request = ClientRequest
			.create(HttpMethod.GET, URI.create(this.urls[cursor.next(this.registrations)]))
			.build();
		return SyncSubscriber.get(this.tokenKeeper.filter().filter(request, ANSWER));
	}

	/**
	 * The stock filter, told the registration by Spring Security's request attribute (it
	 * cannot route by URL); the request built per call as above.
	 */
	@Benchmark
	public ClientResponse stockFilter(Cursor cursor) {
		int index = cursor.next(this.registrations);
		ClientRequest request = ClientRequest.create(HttpMethod.GET, URI.create(this.urls[index]))
			.attributes(ServerOAuth2AuthorizedClientExchangeFilterFunction.clientRegistrationId(this.ids[index]))
			.build();
		return SyncSubscriber.get(this.stock.filter().filter(request, ANSWER));
	}

}
