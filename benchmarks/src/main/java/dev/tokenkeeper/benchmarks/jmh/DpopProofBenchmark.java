package dev.tokenkeeper.benchmarks.jmh;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.ExchangeStrategies;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.StockStack;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.dpop.DpopAlgorithm;
import dev.tokenkeeper.dpop.DpopKey;
import dev.tokenkeeper.dpop.DpopProofs;

/**
 * DPoP's per-request cost, per algorithm: the bare JCA signature a proof needs (same input
 * length, an initialised {@link Signature}), a whole proof ({@code jti}, claims JSON,
 * {@code ath}, base64url, signature), and TokenKeeper's filter with a cached DPoP-bound token
 * against the same filter with a bearer token. Unlike {@code FilterOverheadBenchmark}, the
 * exchange here writes the request, so the native-request callback that sets the headers (and
 * makes the proof) runs, for both filters alike.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DpopProofBenchmark {

	private static final String ID = "partner";

	private static final String API = "http://127.0.0.1:1/api";

	private static final URI ITEMS = URI.create(API + "/items?page=2");

	@Param({ "ES256", "ES384", "RS256", "PS256", "EDDSA" })
	public String algorithm;

	private DpopProofs proofs;

	private Signature signature;

	private byte[] signingInput;

	private String token;

	private TokenEndpointStub tokenEndpoint;

	private TokenKeeperStack bearer;

	private TokenKeeperStack dpop;

	private ClientRequest request;

	private ExchangeFunction written;

	@Setup(Level.Trial)
	public void setUp() throws GeneralSecurityException {
		DpopAlgorithm algorithm = DpopAlgorithm.valueOf(this.algorithm);
		this.tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO);
		ReactorClientHttpConnector connector = Connectors.create("dpop-proof").connector();
		List<BenchRegistration> registrations = List.of(new BenchRegistration(ID, this.tokenEndpoint.tokenUri(), API));
		this.bearer = TokenKeeperStack.create(registrations, Clock.systemUTC(), connector);
		this.dpop = TokenKeeperStack.createWithDpop(registrations, Clock.systemUTC(), connector, algorithm);
		OAuth2AuthorizeRequest authorize = OAuth2AuthorizeRequest.withClientRegistrationId(ID)
			.principal(StockStack.ANONYMOUS_PRINCIPAL)
			.build();
		this.bearer.manager().authorize(authorize).block();
		this.token = this.dpop.manager().authorize(authorize).block().getAccessToken().getTokenValue();
		if (this.dpop.cache().peek(ID).dpop() == null) {
			throw new IllegalStateException("The DPoP stack got a bearer token");
		}
		this.proofs = new DpopProofs(DpopKey.generate(algorithm), Clock.systemUTC());
		String proof = this.proofs.proof("GET", ITEMS, this.token);
		this.signingInput = proof.substring(0, proof.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
		this.signature = bareSigner(algorithm);
		this.request = ClientRequest.create(HttpMethod.GET, ITEMS).build();
		ExchangeStrategies strategies = ExchangeStrategies.withDefaults();
		Mono<ClientResponse> answered = Mono.just(ClientResponse.create(HttpStatus.OK).build());
		this.written = (request) -> request.writeTo(new WrittenRequest(request.method(), request.url()), strategies)
			.then(answered);
		check(this.bearer, "Bearer ");
		check(this.dpop, "DPoP ");
	}

	private void check(TokenKeeperStack stack, String scheme) {
		WrittenRequest[] seen = new WrittenRequest[1];
		ExchangeStrategies strategies = ExchangeStrategies.withDefaults();
		ExchangeFunction capture = (request) -> {
			seen[0] = new WrittenRequest(request.method(), request.url());
			return request.writeTo(seen[0], strategies).then(Mono.just(ClientResponse.create(HttpStatus.OK).build()));
		};
		SyncSubscriber.get(stack.filter().filter(this.request, capture));
		String authorization = seen[0].getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.startsWith(scheme)
				|| (scheme.startsWith("DPoP") != seen[0].getHeaders().containsHeader("DPoP"))) {
			throw new IllegalStateException("The filter did not set " + scheme + "headers");
		}
	}

	private static Signature bareSigner(DpopAlgorithm algorithm) throws GeneralSecurityException {
		Supplier<KeyPair> pair = () -> {
			try {
				KeyPairGenerator generator = KeyPairGenerator
					.getInstance((algorithm == DpopAlgorithm.EDDSA) ? "Ed25519"
							: algorithm.jwsName().startsWith("ES") ? "EC" : "RSA");
				switch (algorithm) {
					case ES256 -> generator.initialize(new ECGenParameterSpec("secp256r1"));
					case ES384 -> generator.initialize(new ECGenParameterSpec("secp384r1"));
					case RS256, PS256 -> generator.initialize(2048);
					case EDDSA -> {
					}
				}
				return generator.generateKeyPair();
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		};
		Signature signature = Signature.getInstance(switch (algorithm) {
			case ES256 -> "SHA256withECDSAinP1363Format";
			case ES384 -> "SHA384withECDSAinP1363Format";
			case RS256 -> "SHA256withRSA";
			case PS256 -> "RSASSA-PSS";
			case EDDSA -> "Ed25519";
		});
		if (algorithm == DpopAlgorithm.PS256) {
			signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
		}
		signature.initSign(pair.get().getPrivate());
		return signature;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		int requests = this.tokenEndpoint.requests();
		this.tokenEndpoint.close();
		if (requests != 2) {
			throw new IllegalStateException("Expected 2 token requests, saw " + requests);
		}
	}

	/** What a proof cannot do without: one signature over a proof-sized input. */
	@Benchmark
	public byte[] bareSignature() throws GeneralSecurityException {
		this.signature.update(this.signingInput);
		return this.signature.sign();
	}

	@Benchmark
	public String proof() {
		return this.proofs.proof("GET", ITEMS, this.token);
	}

	@Benchmark
	public ClientResponse dpopFilter() {
		return SyncSubscriber.get(this.dpop.filter().filter(this.request, this.written));
	}

	@Benchmark
	public ClientResponse bearerFilter() {
		return SyncSubscriber.get(this.bearer.filter().filter(this.request, this.written));
	}

	/** A request that is written nowhere: commits, so header callbacks run, and sends nothing. */
	static final class WrittenRequest extends AbstractClientHttpRequest {

		private final HttpMethod method;

		private final URI uri;

		WrittenRequest(HttpMethod method, URI uri) {
			this.method = method;
			this.uri = uri;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		public DataBufferFactory bufferFactory() {
			return DefaultDataBufferFactory.sharedInstance;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> T getNativeRequest() {
			return (T) this;
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return doCommit();
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return doCommit();
		}

		@Override
		public Mono<Void> setComplete() {
			return doCommit();
		}

		@Override
		protected void applyHeaders() {
		}

		@Override
		protected void applyCookies() {
		}

	}

}
