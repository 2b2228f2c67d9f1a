package dev.tokenkeeper.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.tokenkeeper.test.EncryptionKeys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * A fleet under test: instances started against one Redis (given by its Spring Boot
 * properties), one token endpoint and one API, both WireMock on loopback. The API accepts
 * {@code Bearer fleet-token-<n>}. Closing the fleet closes its instances and stubs.
 */
final class Fleet implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(60);

	static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	static final String REGISTRATION = "partner";

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(300).jettyAcceptors(4));

	private final List<String> redisProperties;

	private final String encryptionKey = EncryptionKeys.random();

	private final List<FleetInstance> instances = new ArrayList<>();

	Fleet(List<String> redisProperties) {
		this.redisProperties = redisProperties;
		this.server.start();
		this.server.stubFor(get(urlPathEqualTo("/api/rooms"))
			.withHeader("Authorization", matching("Bearer fleet-token-[0-9]+"))
			.willReturn(aResponse().withBody("ok")));
	}

	WireMockServer server() {
		return this.server;
	}

	/**
	 * Start instances sharing this fleet's encryption key.
	 * @param count how many
	 * @param extra properties of each, beyond the fleet's own
	 * @return the instances
	 */
	List<FleetInstance> start(int count, String... extra) {
		return IntStream.range(0, count).mapToObj((i) -> start(this.redisProperties, extra)).toList();
	}

	/**
	 * Start one instance with a Redis connection of its own.
	 * @param redis its {@code spring.data.redis.*} properties
	 * @param extra its other properties, beyond the fleet's own
	 * @return the instance
	 */
	FleetInstance start(List<String> redis, String... extra) {
		List<String> properties = new ArrayList<>(redis);
		properties.add("tokenkeeper.store.type=redis");
		properties.add("tokenkeeper.store.redis.encryption-key=" + this.encryptionKey);
		if (Stream.of(extra).noneMatch((property) -> property.startsWith("tokenkeeper.store.redis.command-timeout="))) {
			// A generous command timeout: on a busy machine a late answer would count as Redis
			// being down, and an instance would rightly request its own token.
			properties.add("tokenkeeper.store.redis.command-timeout=2s");
		}
		properties.add("tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/oauth2/token");
		properties.add("tokenkeeper.clients.partner.client-id=client");
		properties.add("tokenkeeper.clients.partner.client-secret=a+b/c:=%");
		properties.add("tokenkeeper.clients.partner.scopes=rooms:read");
		properties.add("tokenkeeper.clients.partner.base-urls=" + this.server.baseUrl() + "/api");
		FleetInstance instance = FleetInstance.start(START, Stream.concat(properties.stream(), Stream.of(extra)).toList());
		this.instances.add(instance);
		return instance;
	}

	/** The token endpoint issues this 300 s token from now on. */
	void tokenEndpointIssues(String token) {
		this.server.stubFor(post("/oauth2/token").willReturn(tokenResponse(token)));
	}

	static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder tokenResponse(String token) {
		return aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
	}

	/** Every call of every instance at once; a failed call answers {@code failed: …}. */
	List<String> call(List<FleetInstance> fleet, int callsEach) {
		return calls(fleet, callsEach).collectList().block(TIMEOUT);
	}

	/** The calls of {@link #call}, not yet subscribed. */
	Flux<String> calls(List<FleetInstance> fleet, int callsEach) {
		return Flux.fromIterable(fleet)
			.flatMap((instance) -> Flux.range(0, callsEach)
				.flatMap((i) -> instance.webClient()
					.get()
					.uri(this.server.baseUrl() + "/api/rooms")
					.retrieve()
					.bodyToMono(String.class)
					.onErrorResume((ex) -> Mono.just("failed: " + ex)), callsEach), fleet.size());
	}

	/** Advance every instance's clock. */
	void advance(Duration duration) {
		this.instances.forEach((instance) -> instance.clock().advance(duration));
	}

	int tokenRequests() {
		return this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).size();
	}

	int apiCallsWith(String token) {
		return this.server
			.findAll(getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader("Authorization",
					equalTo("Bearer " + token)))
			.size();
	}

	@Override
	public void close() {
		this.instances.forEach(FleetInstance::close);
		this.server.stop();
	}

}
