package dev.tokenkeeper.benchmarks.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

import dev.tokenkeeper.benchmarks.support.BenchRegistration;
import dev.tokenkeeper.benchmarks.support.Connectors;
import dev.tokenkeeper.benchmarks.support.RedisFleet;
import dev.tokenkeeper.benchmarks.support.SyncSubscriber;
import dev.tokenkeeper.benchmarks.support.TokenEndpointStub;
import dev.tokenkeeper.benchmarks.support.TokenKeeperStack;
import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;

/**
 * Measure 8 (issue 14): a cached token in fleet mode (a {@link TokenCache} in front of a real
 * Redis) against memory mode. A hit never touches Redis, so the two should be equal within
 * noise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FleetTokenAcquisitionBenchmark {

	private static final String ID = "partner";

	@Param({ "memory", "redis" })
	public String store;

	private TokenEndpointStub tokenEndpoint;

	private Connectors.Pooled pool;

	private RedisFleet redis;

	private TokenCache cache;

	@Setup(Level.Trial)
	public void setUp() {
		// hour-long tokens: no refresh during the run
		this.tokenEndpoint = TokenEndpointStub.start(Clock.systemUTC(), Duration.ofHours(1), Duration.ZERO);
		this.pool = Connectors.create("fleet-acquisition");
		List<BenchRegistration> registrations = List
			.of(new BenchRegistration(ID, this.tokenEndpoint.tokenUri(), "http://127.0.0.1:1/api"));
		if ("redis".equals(this.store)) {
			this.redis = RedisFleet.start();
			this.cache = this.redis.instances(1, registrations, Clock.systemUTC(), this.pool.connector()).get(0).cache();
		}
		else {
			this.cache = TokenKeeperStack.create(registrations, Clock.systemUTC(), this.pool.connector()).cache();
		}
		this.cache.token(ID).block(Duration.ofSeconds(30));
		SyncSubscriber.get(this.cache.token(ID));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		int requests = this.tokenEndpoint.requests();
		if (this.redis != null) {
			this.redis.close();
		}
		this.pool.close();
		this.tokenEndpoint.close();
		if (requests != 1) {
			throw new IllegalStateException("Expected 1 token request, saw " + requests);
		}
	}

	@Benchmark
	public CachedToken cachedToken() {
		return SyncSubscriber.get(this.cache.token(ID));
	}

}
