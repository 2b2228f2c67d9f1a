package dev.tokenkeeper.benchmarks.support;

import java.time.Duration;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;

/**
 * Reactor Netty connectors with a pool sized for 1,000 concurrent calls (the default pool
 * refuses that many pending acquisitions), used alike by both sides.
 */
public final class Connectors {

	private Connectors() {
	}

	/**
	 * A connector with its own pool of up to 500 connections.
	 * @param name the pool's name
	 * @return the connector; close it to close its connections
	 */
	public static Pooled create(String name) {
		return create(name, 500);
	}

	/**
	 * A connector with its own pool.
	 * @param name the pool's name
	 * @param maxConnections the most connections it opens
	 * @return the connector; close it to close its connections
	 */
	public static Pooled create(String name, int maxConnections) {
		ConnectionProvider pool = ConnectionProvider.builder(name)
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofSeconds(60))
			.build();
		return new Pooled(pool, new ReactorClientHttpConnector(
				HttpClient.create(pool).followRedirect(false).responseTimeout(Duration.ofSeconds(30))));
	}

	/**
	 * A connector and its pool.
	 * @param pool the pool
	 * @param connector the connector
	 */
	public record Pooled(ConnectionProvider pool, ReactorClientHttpConnector connector) implements AutoCloseable {

		@Override
		public void close() {
			this.pool.disposeLater().block(Duration.ofSeconds(10));
		}

	}

}
