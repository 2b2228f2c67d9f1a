package dev.tokenkeeper.benchmarks.support;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import org.reactivestreams.Publisher;

/**
 * The partner API on loopback (Reactor Netty): answers 200 "ok". A checking stub also looks at
 * the bearer token: 401 when there is none, when it had expired by the shared clock, or when
 * its sequence number is one the stub was told to reject; and counts each case.
 */
public final class ApiStub implements AutoCloseable {

	private static final String BEARER = "Bearer ";

	private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(10);

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger ok = new AtomicInteger();

	private final AtomicInteger expired = new AtomicInteger();

	private final AtomicInteger rejected = new AtomicInteger();

	private final AtomicInteger missing = new AtomicInteger();

	private final Clock clock;

	private final LongPredicate rejectSequence;

	private final DisposableServer server;

	private volatile int holdRejections;

	private final CompletableFuture<Void> rejectionsArrived = new CompletableFuture<>();

	private ApiStub(boolean checking, Clock clock, LongPredicate rejectSequence) {
		this.clock = clock;
		this.rejectSequence = rejectSequence;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(checking ? this::check : (request, response) -> response.sendString(Mono.just("ok")))
			.bindNow();
	}

	/**
	 * A stub that answers 200 "ok" to everything and looks at nothing: the throughput target.
	 * @return the running stub
	 */
	public static ApiStub plain() {
		return new ApiStub(false, null, (sequence) -> false);
	}

	/**
	 * A stub that checks tokens.
	 * @param clock the clock expiry is judged by, or {@code null} to not judge it
	 * @param rejectSequence which tokens (by sequence number) get 401 although valid
	 * @return the running stub
	 */
	public static ApiStub checking(Clock clock, LongPredicate rejectSequence) {
		return new ApiStub(true, clock, rejectSequence);
	}

	private Publisher<Void> check(HttpServerRequest request, HttpServerResponse response) {
		this.requests.incrementAndGet();
		String authorization = request.requestHeaders().get("Authorization");
		StubTokens.Issued token = (authorization != null && authorization.startsWith(BEARER))
				? StubTokens.decode(authorization.substring(BEARER.length())) : null;
		if (token == null) {
			this.missing.incrementAndGet();
			return unauthorized(response);
		}
		if (this.clock != null && this.clock.millis() >= token.expiresAtMillis()) {
			this.expired.incrementAndGet();
			return unauthorized(response);
		}
		if (this.rejectSequence.test(token.sequence())) {
			if (this.rejected.incrementAndGet() == this.holdRejections) {
				this.rejectionsArrived.complete(null);
			}
			if (this.holdRejections > 0) {
				return Mono.fromFuture(this.rejectionsArrived, true)
					.timeout(HOLD_TIMEOUT)
					.onErrorResume(TimeoutException.class, (ex) -> Mono.empty())
					.then(Mono.defer(() -> Mono.from(unauthorized(response))));
			}
			return unauthorized(response);
		}
		this.ok.incrementAndGet();
		return response.sendString(Mono.just("ok"));
	}

	/**
	 * Hold the 401 answers to rejected tokens until this many have arrived (at most 10 s), so
	 * that they all hit the same token at once however fast the first answers would come back.
	 * @param count how many rejected requests to wait for
	 */
	public void holdRejectionsUntil(int count) {
		this.holdRejections = count;
	}

	private static Publisher<Void> unauthorized(HttpServerResponse response) {
		return response.status(HttpResponseStatus.UNAUTHORIZED).send();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/api";
	}

	/** Requests a checking stub received. */
	public int requests() {
		return this.requests.get();
	}

	/** Requests answered 200. */
	public int ok() {
		return this.ok.get();
	}

	/** Requests that carried a token past its expiry (answered 401). */
	public int expired() {
		return this.expired.get();
	}

	/** Requests whose valid token the stub was told to reject (answered 401). */
	public int rejected() {
		return this.rejected.get();
	}

	/** Requests without a bearer token the stub issued (answered 401). */
	public int missing() {
		return this.missing.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
