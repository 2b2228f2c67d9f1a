package dev.tokenkeeper.benchmarks.jmh;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.tokenkeeper.benchmarks.support.SigningKeyFiles;
import dev.tokenkeeper.token.ClientAssertions;
import dev.tokenkeeper.token.ClientAuthentication;
import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.ProviderProfile;

/**
 * Issue 12: what one token request's {@code private-key-jwt} assertion costs — claims with a
 * fresh {@code jti}, the key file's version check and the signature — per algorithm
 * (RSA keys of 2048 bits, EC P-256 and P-384). Paid once per token request, never per API
 * call (see {@link PrivateKeyJwtAcquisitionBenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MICROSECONDS)
public class ClientAssertionBenchmark {

	@Param({ "RS256", "RS384", "ES256", "ES384" })
	public String algorithm;

	private ClientAssertions assertions;

	private ClientCredentials credentials;

	@Setup(Level.Trial)
	public void setUp() {
		this.assertions = SigningKeyFiles.assertions(this.algorithm, Clock.systemUTC(), new AtomicInteger());
		this.credentials = new ClientCredentials("partner", ProviderProfile.POST_FORM,
				URI.create("https://idp.example.com/oauth2/token"), "partner-client", null, null, List.of(), Map.of(),
				ClientAuthentication.PRIVATE_KEY_JWT, this.assertions);
	}

	@Benchmark
	public String assertion() {
		return this.assertions.create(this.credentials);
	}

}
