package dev.tokenkeeper.benchmarks.support;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A token endpoint on loopback (Reactor Netty): answers every POST with a fresh bearer token (a
 * DPoP-bound one when the request carries a {@code DPoP} proof) whose value encodes its expiry by
 * the given clock, after an optional latency, and counts the requests; or, once told to fail,
 * with that status.
 */
public final class TokenEndpointStub implements AutoCloseable {

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicLong sequence = new AtomicLong();

	private final Clock clock;

	private final long lifetimeSeconds;

	private final Duration latency;

	private final DisposableServer server;

	private volatile int failWith;

	private volatile CompletableFuture<String> released = CompletableFuture.completedFuture("");

	private TokenEndpointStub(Clock clock, Duration lifetime, Duration latency) {
		this.clock = clock;
		this.lifetimeSeconds = lifetime.toSeconds();
		this.latency = latency;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/token", (request, response) -> {
				this.requests.incrementAndGet();
				int failure = this.failWith;
				if (failure != 0) {
					return response.status(failure).sendString(Mono.just("unavailable"));
				}
				Mono<String> body = request.receive().asString().then(Mono.fromFuture(this.released, true));
				if (!this.latency.isZero()) {
					body = body.delayElement(this.latency);
				}
				// as a DPoP server does: a request with a proof gets a DPoP-bound token
				boolean dpop = request.requestHeaders().contains("DPoP");
				body = body.then(Mono.fromSupplier(() -> issue(dpop)));
				return response.header("Content-Type", "application/json").sendString(body);
			}))
			.bindNow();
	}

	/**
	 * Start a stub.
	 * @param clock the clock expiries are encoded by
	 * @param lifetime the {@code expires_in} of every token
	 * @param latency how long each answer takes, as a real provider's would
	 * @return the running stub
	 */
	public static TokenEndpointStub start(Clock clock, Duration lifetime, Duration latency) {
		return new TokenEndpointStub(clock, lifetime, latency);
	}

	private String issue(boolean dpop) {
		long expiresAt = this.clock.millis() + this.lifetimeSeconds * 1000;
		String token = StubTokens.encode(this.sequence.incrementAndGet(), expiresAt);
		return "{\"access_token\":\"" + token + "\",\"token_type\":\"" + (dpop ? "DPoP" : "Bearer")
				+ "\",\"expires_in\":" + this.lifetimeSeconds + "}";
	}

	/**
	 * Hold every answer until {@link #release()}: callers that start before then all find the
	 * cache empty, however long it takes to start them.
	 */
	public void hold() {
		this.released = new CompletableFuture<>();
	}

	/**
	 * Answer held requests (after the latency) and all later ones.
	 */
	public void release() {
		this.released.complete("");
	}

	/**
	 * Answer every request with this status from now on, as a failing provider does.
	 * @param status the status, or {@code 0} to issue tokens again
	 */
	public void failWith(int status) {
		this.failWith = status;
	}

	public URI tokenUri() {
		return URI.create("http://127.0.0.1:" + this.server.port() + "/token");
	}

	/**
	 * The token requests received so far.
	 * @return the count
	 */
	public int requests() {
		return this.requests.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
