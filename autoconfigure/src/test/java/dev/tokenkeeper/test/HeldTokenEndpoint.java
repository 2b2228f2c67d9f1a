package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token endpoint on loopback that can be held: while held, requests arrive (and are
 * counted) but get no answer until {@link #release()}. The n-th request is answered with
 * {@code token-n}. WireMock stubs cannot wait on a latch, hence this.
 */
public final class HeldTokenEndpoint implements AutoCloseable {

	private static final Duration LONGEST_HOLD = Duration.ofSeconds(60);

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final AtomicInteger requests = new AtomicInteger();

	private final int expiresIn;

	private volatile CountDownLatch gate = new CountDownLatch(0);

	/**
	 * Start an endpoint at {@code /oauth2/token}.
	 * @param expiresIn the {@code expires_in} of every token, in seconds
	 */
	public HeldTokenEndpoint(int expiresIn) {
		this.expiresIn = expiresIn;
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/oauth2/token", this::handle);
		this.server.start();
	}

	/**
	 * The token URI.
	 * @return e.g. {@code http://127.0.0.1:54321/oauth2/token}
	 */
	public String tokenUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/oauth2/token";
	}

	/** Hold every request from now on until {@link #release()}. */
	public void hold() {
		this.gate = new CountDownLatch(1);
	}

	/** Answer the held requests, and later ones at once. */
	public void release() {
		this.gate.countDown();
	}

	/**
	 * How many token requests arrived, answered or held.
	 * @return the count
	 */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * Wait until at least this many token requests have arrived.
	 * @param count the number of requests
	 */
	public void awaitRequests(int count) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		synchronized (this.requests) {
			while (this.requests.get() < count) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0) {
					throw new IllegalStateException(
							"Expected " + count + " token requests, got " + this.requests.get());
				}
				try {
					this.requests.wait(left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	private void handle(HttpExchange exchange) throws IOException {
		CountDownLatch held = this.gate;
		int n;
		synchronized (this.requests) {
			n = this.requests.incrementAndGet();
			this.requests.notifyAll();
		}
		try (exchange) {
			exchange.getRequestBody().readAllBytes();
			try {
				if (!held.await(LONGEST_HOLD.toSeconds(), TimeUnit.SECONDS)) {
					exchange.sendResponseHeaders(503, -1);
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				exchange.sendResponseHeaders(503, -1);
				return;
			}
			byte[] body = ("{\"access_token\":\"token-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":"
					+ this.expiresIn + "}")
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
		release();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
