package dev.tokenkeeper.benchmarks.jmh;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;

/**
 * Measure 2, in isolation: the CPU one filter costs per request with a cached token, the
 * network replaced by an exchange function that answers at once. Explains measure 2's
 * throughput ratios. TokenKeeper's header is set on the native request when the request is
 * written, which this exchange never does; the stock filter copies it into the
 * {@code ClientRequest} here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterOverheadBenchmark {

	private static final String ID = "partner";

	private static final String API = "http://127.0.0.1:1/api";

	private TokenEndpointStub tokenEndpoint;

	private TokenKeeperStack tokenKeeper;

	private StockStack stock;

	private ClientRequest request;

	private ClientRequest requestWithHeader;

	private ExchangeFunction answer;

	@Setup(Level.Trial)
	public void setUp() {
		this.tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO);
		ReactorClientHttpConnector connector = Connectors.create("filter-overhead").connector();
		List<BenchRegistration> registrations = List.of(new BenchRegistration(ID, this.tokenEndpoint.tokenUri(), API));
		this.tokenKeeper = TokenKeeperStack.create(registrations, Clock.systemUTC(), connector);
		this.stock = StockStack.builder(registrations, Clock.systemUTC(), connector).build();
		OAuth2AuthorizeRequest authorize = OAuth2AuthorizeRequest.withClientRegistrationId(ID)
			.principal(StockStack.ANONYMOUS_PRINCIPAL)
			.build();
		this.tokenKeeper.manager().authorize(authorize).block();
		String token = this.stock.manager().authorize(authorize).block().getAccessToken().getTokenValue();
		this.request = ClientRequest.create(HttpMethod.GET, URI.create(API + "/items")).build();
		this.requestWithHeader = ClientRequest.from(this.request).headers((headers) -> headers.setBearerAuth(token)).build();
		ClientResponse response = ClientResponse.create(HttpStatus.OK).build();
		Mono<ClientResponse> answered = Mono.just(response);
		this.answer = (request) -> answered;
		SyncSubscriber.get(this.tokenKeeper.filter().filter(this.request, this.answer));
		SyncSubscriber.get(this.stock.filter().filter(this.request, this.answer));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		int requests = this.tokenEndpoint.requests();
		this.tokenEndpoint.close();
		if (requests != 2) {
			throw new IllegalStateException("Expected 2 token requests, saw " + requests);
		}
	}

	@Benchmark
	public ClientResponse tokenKeeperFilter() {
		return SyncSubscriber.get(this.tokenKeeper.filter().filter(this.request, this.answer));
	}

	@Benchmark
	public ClientResponse stockFilter() {
		return SyncSubscriber.get(this.stock.filter().filter(this.request, this.answer));
	}

	/** No filter: the request already carries its header, as with a static default header. */
	@Benchmark
	public ClientResponse staticHeader() {
		return SyncSubscriber.get(this.answer.exchange(this.requestWithHeader));
	}

}
