package dev.tokenkeeper.benchmarks.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Mono;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.cache.CachedToken;

/**
 * Measure 1: what a caller pays for a token that is already cached, through
 * {@code ReactiveOAuth2AuthorizedClientManager#authorize} on both sides, through TokenKeeper's
 * {@code TokenCache#token} directly, and for an already-built {@code Mono.just(client)} (the
 * floor: subscribing to a Mono), and what one read of the system clock costs on this
 * machine. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
public class TokenAcquisitionBenchmark {

	private static final String ID = "partner";

	private TokenEndpointStub tokenEndpoint;

	private TokenKeeperStack tokenKeeper;

	private StockStack stock;

	private OAuth2AuthorizeRequest request;

	private Mono<OAuth2AuthorizedClient> prebuilt;

	private final Clock clock = Clock.systemUTC();

	@Setup(Level.Trial)
	public void setUp() {
		// hour-long tokens: neither side refreshes during the run
		this.tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO);
		ReactorClientHttpConnector connector = Connectors.create("token-acquisition").connector();
		List<BenchRegistration> registrations = List
			.of(new BenchRegistration(ID, this.tokenEndpoint.tokenUri(), "http://127.0.0.1:1/api"));
		this.tokenKeeper = TokenKeeperStack.create(registrations, Clock.systemUTC(), connector);
		this.stock = StockStack.builder(registrations, Clock.systemUTC(), connector).build();
		this.request = OAuth2AuthorizeRequest.withClientRegistrationId(ID).principal("service").build();
		this.tokenKeeper.manager().authorize(this.request).block();
		OAuth2AuthorizedClient stockClient = this.stock.manager().authorize(this.request).block();
		this.prebuilt = Mono.just(stockClient);
		// both tokens are cached: from here on each call must be answered synchronously
		SyncSubscriber.get(this.tokenKeeper.manager().authorize(this.request));
		SyncSubscriber.get(this.stock.manager().authorize(this.request));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		int requests = this.tokenEndpoint.requests();
		this.tokenEndpoint.close();
		if (requests != 2) {
			throw new IllegalStateException("Expected 2 token requests (one per side), saw " + requests
					+ ": the benchmark did not measure cached tokens only");
		}
	}

	@Benchmark
	public OAuth2AuthorizedClient tokenKeeperManager() {
		return SyncSubscriber.get(this.tokenKeeper.manager().authorize(this.request));
	}

	@Benchmark
	public OAuth2AuthorizedClient stockManager() {
		return SyncSubscriber.get(this.stock.manager().authorize(this.request));
	}

	@Benchmark
	public CachedToken tokenKeeperCache() {
		return SyncSubscriber.get(this.tokenKeeper.cache().token(ID));
	}

	@Benchmark
	public OAuth2AuthorizedClient prebuiltMono() {
		return SyncSubscriber.get(this.prebuilt);
	}

	/** Caffeine's part of a TokenKeeper hit: {@code getIfPresent} on the cache as TokenCache configures it. */
	@Benchmark
	public CachedToken caffeineLookup() {
		return this.tokenKeeper.cache().caffeine().getIfPresent(ID);
	}

	/** One read of the clock both sides consult on every lookup. */
	@Benchmark
	public long clockRead() {
		return this.clock.millis();
	}

}
