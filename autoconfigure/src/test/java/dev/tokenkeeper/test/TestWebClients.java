package dev.tokenkeeper.test;

import java.time.Duration;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * WebClients for load in tests: Reactor Netty's default pool refuses 1,000 concurrent calls.
 */
public final class TestWebClients {

	private TestWebClients() {
	}

	public static WebClient build(WebClient.Builder builder, int maxConnections) {
		ConnectionProvider pool = ConnectionProvider.builder("tokenkeeper-test")
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofSeconds(60))
			.build();
		return builder.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool))).build();
	}

}
