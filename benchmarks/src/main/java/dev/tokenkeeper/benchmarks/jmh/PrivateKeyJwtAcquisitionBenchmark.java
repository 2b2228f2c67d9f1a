package dev.tokenkeeper.benchmarks.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.SigningKeyFiles;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.cache.CachedToken;

/**
 * Issue 12: a cached token of a {@code private-key-jwt} registration (RS256, its key from a
 * PEM file) costs what a secret-based one does: the lookup never signs. Both registrations
 * live in one {@code TokenCache}, as in an application with both; the tear-down fails the run
 * unless each sent exactly one token request and exactly one assertion was signed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
public class PrivateKeyJwtAcquisitionBenchmark {

	private static final String SECRET_ID = "secret-based";

	private static final String JWT_ID = "private-key-jwt";

	private final AtomicInteger signed = new AtomicInteger();

	private TokenEndpointStub tokenEndpoint;

	private TokenKeeperStack tokenKeeper;

	@Setup(Level.Trial)
	public void setUp() {
		// hour-long tokens: nothing is refreshed during the run
		this.tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO);
		ReactorClientHttpConnector connector = Connectors.create("private-key-jwt-acquisition").connector();
		List<BenchRegistration> registrations = List.of(
				new BenchRegistration(SECRET_ID, this.tokenEndpoint.tokenUri(), "http://127.0.0.1:1/secret"),
				new BenchRegistration(JWT_ID, this.tokenEndpoint.tokenUri(), "http://127.0.0.1:1/jwt"));
		this.tokenKeeper = TokenKeeperStack.create(registrations, Clock.systemUTC(), connector,
				Map.of(JWT_ID, SigningKeyFiles.assertions("RS256", Clock.systemUTC(), this.signed)));
		this.tokenKeeper.cache().token(SECRET_ID).block();
		this.tokenKeeper.cache().token(JWT_ID).block();
		// both tokens are cached: from here on each lookup must be answered synchronously
		SyncSubscriber.get(this.tokenKeeper.cache().token(SECRET_ID));
		SyncSubscriber.get(this.tokenKeeper.cache().token(JWT_ID));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		int requests = this.tokenEndpoint.requests();
		this.tokenEndpoint.close();
		if (requests != 2 || this.signed.get() != 1) {
			throw new IllegalStateException("Expected 2 token requests and 1 signed assertion, saw " + requests
					+ " and " + this.signed.get() + ": a cached lookup requested or signed");
		}
	}

	@Benchmark
	public CachedToken secretBasedCache() {
		return SyncSubscriber.get(this.tokenKeeper.cache().token(SECRET_ID));
	}

	@Benchmark
	public CachedToken privateKeyJwtCache() {
		return SyncSubscriber.get(this.tokenKeeper.cache().token(JWT_ID));
	}

}
