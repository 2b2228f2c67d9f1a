package dev.tokenkeeper.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException;
import dev.tokenkeeper.test.DpopProofChecks;
import dev.tokenkeeper.test.DpopStubs;
import dev.tokenkeeper.test.DpopTestKeys;
import dev.tokenkeeper.test.EncryptionKeys;
import dev.tokenkeeper.test.RedisServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Fleet mode end to end: several instances, each a Spring application with its own clock,
 * share one real Redis and one token endpoint.
 */
class FleetModeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	@RegisterExtension
	static final RedisServer redis = RedisServer.perClass();

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().containerThreads(300).jettyAcceptors(4));

	private final String encryptionKey = EncryptionKeys.random();

	private final List<FleetInstance> instances = new ArrayList<>();

	@BeforeEach
	void setUp() {
		redis.commands().flushall();
		this.server.start();
		this.server.stubFor(get(urlPathEqualTo("/api/rooms"))
			.withHeader("Authorization", matching("Bearer fleet-token-[0-9]+"))
			.willReturn(aResponse().withBody("ok")));
	}

	@AfterEach
	void tearDown() {
		this.instances.forEach(FleetInstance::close);
		this.server.stop();
	}

	@Test
	void eightInstancesWhenColdAndAfterExpiryThenOneTokenRequestInTotalEachTime() {
		// A generous command timeout: on a busy machine a late answer would count as Redis
		// being down, and an instance would rightly request its own token.
		List<FleetInstance> fleet = IntStream.range(0, 8)
			.mapToObj((i) -> instance(this.encryptionKey, "tokenkeeper.store.redis.command-timeout=2s"))
			.toList();
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(fleet, 200)).hasSize(1600).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1);
		assertThat(apiCallsWith("fleet-token-1")).isEqualTo(1600);
		assertThat(fleet.stream().mapToDouble((instance) -> instance.storeResults("fetched")).sum()).isEqualTo(1);
		assertThat(fleet.stream().mapToDouble((instance) -> instance.storeResults("shared")).sum()).isEqualTo(7);

		fleet.forEach((instance) -> instance.clock().advance(Duration.ofSeconds(300)));
		tokenEndpointIssues("fleet-token-2");
		assertThat(call(fleet, 200)).hasSize(1600).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(2);
		assertThat(apiCallsWith("fleet-token-2")).isEqualTo(1600);
	}

	@Test
	void instancesWhenLockHeldByADeadOwnerThenGetATokenAfterTheLockTimeout() {
		List<FleetInstance> fleet = Stream.of(1, 2, 3)
			.map((i) -> instance(this.encryptionKey, "tokenkeeper.store.redis.lock-timeout=1s"))
			.toList();
		String lock = SharedTokenKey.of(fleet.get(0).credentials()).lock();
		redis.commands().psetex(lock, 60_000, "dead-owner");
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(fleet, 50)).hasSize(150).containsOnly("ok");
		// Each instance at most once, however many of its callers waited.
		assertThat(tokenRequests()).isBetween(1, 3);
		assertThat(redis.commands().get(lock)).isEqualTo("dead-owner");
	}

	@Test
	void redisStoppedWhenCallsContinueThenNoneFailsAndSharingResumesOnceItIsBack() {
		List<FleetInstance> fleet = Stream.of(1, 2, 3).map((i) -> instance()).toList();
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(fleet, 50)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1);

		redis.stop();
		fleet.forEach((instance) -> instance.clock().advance(Duration.ofSeconds(300)));
		tokenEndpointIssues("fleet-token-2");
		assertThat(call(fleet, 50)).hasSize(150).containsOnly("ok");
		// Each instance requests its own token, once, not once per call.
		assertThat(tokenRequests()).isEqualTo(1 + 3);
		assertThat(fleet).allSatisfy((instance) -> assertThat(instance.storeResults("fallback")).isEqualTo(1));

		redis.restart();
		await().atMost(TIMEOUT).until(() -> fleet.stream().allMatch(FleetInstance::redisAnswers));
		fleet.forEach((instance) -> instance.clock().advance(Duration.ofSeconds(300)));
		tokenEndpointIssues("fleet-token-3");
		assertThat(call(fleet, 50)).hasSize(150).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1 + 3 + 1);
		assertThat(apiCallsWith("fleet-token-3")).isEqualTo(150);
	}

	@Test
	void instancesWhenOneDiscoversTheTokenUriTheOtherConfiguresThenTheyShareOneTokenUnderTheTokenUrisKey() {
		// the key is the discovered token endpoint, not the issuer: both instances name the same one
		this.server.stubFor(get("/.well-known/oauth-authorization-server").willReturn(aResponse()
			.withHeader("Content-Type", "application/json")
			.withBody("{\"issuer\":\"" + this.server.baseUrl() + "\",\"token_endpoint\":\"" + this.server.baseUrl()
					+ "/oauth2/token\"}")));
		tokenEndpointIssues("fleet-token-1");
		FleetInstance configured = instance();
		FleetInstance discovering = instanceWithTokenUri(null);

		assertThat(call(List.of(configured), 10)).containsOnly("ok");
		assertThat(call(List.of(discovering), 10)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1);
		assertThat(apiCallsWith("fleet-token-1")).isEqualTo(20);
		assertThat(discovering.storeResults("shared")).isEqualTo(1.0);
		this.server.verify(1, getRequestedFor(urlPathEqualTo("/.well-known/oauth-authorization-server")));
		assertThat(redis.commands().scan(ScanArgs.Builder.matches("tokenkeeper:token:*")).getKeys()).hasSize(1);
	}

	@Test
	void instancesWhenOnlyTheirTokenUriDiffersThenTheyNeverShareATokenInRedis() {
		String otherTokenUriValue = this.server.baseUrl() + "/other/oauth2/token";
		tokenEndpointIssues("fleet-token-1");
		this.server.stubFor(post("/other/oauth2/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"fleet-token-2\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
		FleetInstance first = instance();
		FleetInstance sameTokenUri = instance();
		FleetInstance otherTokenUri = instanceWithTokenUri(otherTokenUriValue);

		assertThat(call(List.of(first), 10)).containsOnly("ok");
		// Sharing works between these instances: the same token URI takes the shared token ...
		assertThat(call(List.of(sameTokenUri), 10)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1);
		// ... another token URI is another key: its own request, its own token.
		assertThat(call(List.of(otherTokenUri), 10)).containsOnly("ok");
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/oauth2/token")));
		this.server.verify(1, postRequestedFor(urlPathEqualTo("/other/oauth2/token")));
		assertThat(apiCallsWith("fleet-token-1")).isEqualTo(20);
		assertThat(apiCallsWith("fleet-token-2")).isEqualTo(10);
		assertThat(otherTokenUri.storeResults("shared")).isZero();
		assertThat(redis.commands().scan(ScanArgs.Builder.matches("tokenkeeper:token:*")).getKeys()).hasSize(2);
	}

	@Test
	void redisPausedWhenInstancesNeedATokenThenEachFetchesItsOwnWithinTheCommandTimeout() {
		Duration commandTimeout = Duration.ofMillis(500);
		// Long enough that the calls below end before it does, on a busy machine too.
		Duration pause = Duration.ofSeconds(5);
		List<FleetInstance> fleet = Stream.of(1, 2, 3)
			.map((i) -> instance(this.encryptionKey, "tokenkeeper.store.redis.command-timeout=" + commandTimeout.toMillis()
					+ "ms"))
			.toList();
		tokenEndpointIssues("fleet-token-1");
		// Connections open and HTTP clients warm, so that what is measured is Redis's share.
		this.server.stubFor(get(urlPathEqualTo("/warm-up")).willReturn(aResponse().withBody("warm")));
		assertThat(fleet).allSatisfy((instance) -> {
			assertThat(instance.redisAnswers()).isTrue();
			assertThat(instance.webClient().get().uri(this.server.baseUrl() + "/warm-up").retrieve()
				.bodyToMono(String.class).block(TIMEOUT)).isEqualTo("warm");
		});
		// Slow, not down: connections stay open and every command waits until the pause ends.
		assertThat(redis.commands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(pause.toMillis()).add("ALL")))
			.isEqualTo("OK");
		long started = System.nanoTime();
		assertThat(call(fleet, 20)).hasSize(60).containsOnly("ok");
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
		// Each instance gave up on Redis after its command timeout and requested its own token
		// once; none waited for the pause to end.
		assertThat(tokenRequests()).isEqualTo(3);
		assertThat(fleet).allSatisfy((instance) -> assertThat(instance.storeResults("fallback")).isEqualTo(1));
		assertThat(elapsed).isLessThan(pause);
	}

	@Test
	void sharedTokenWhenScannedInRedisThenOnlyCiphertext() {
		FleetInstance instance = instance();
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(List.of(instance), 1)).containsOnly("ok");
		List<String> keys = redis.commands().scan(ScanArgs.Builder.matches("*")).getKeys();
		assertThat(keys).singleElement().asString().startsWith("tokenkeeper:token:");
		String value = redis.commands().get(keys.get(0));
		assertThat(value).doesNotContain("fleet-token-1");
		assertThat(StoredValues.payloadText(value)).doesNotContain("fleet-token-1");
	}

	@Test
	void sharedTokenWhenWrittenWithAnotherKeyOrTamperedWithThenDiscardedAndRequestedAgain() {
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(List.of(instance(EncryptionKeys.random())), 1)).containsOnly("ok");

		tokenEndpointIssues("fleet-token-2");
		FleetInstance other = instance();
		assertThat(call(List.of(other), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(2);
		assertThat(apiCallsWith("fleet-token-2")).isEqualTo(1);

		String key = SharedTokenKey.of(other.credentials()).token();
		redis.commands().set(key, StoredValues.tampered(redis.commands().get(key)));
		tokenEndpointIssues("fleet-token-3");
		assertThat(call(List.of(instance()), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(3);
		assertThat(apiCallsWith("fleet-token-3")).isEqualTo(1);
	}

	@Test
	void staleUnauthorizedWhenAnotherInstanceAlreadyReplacedTheTokenThenTheNewerTokenIsKept() {
		FleetInstance first = instance();
		FleetInstance second = instance();
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(List.of(first, second), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1);

		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("Bearer fleet-token-1"))
			.willReturn(aResponse().withStatus(401)));
		tokenEndpointIssues("fleet-token-2");
		// The first instance's 401 replaces the shared token ...
		assertThat(call(List.of(first), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(2);
		// ... the second one's, on the token it still had cached, is stale: it takes the newer one.
		assertThat(call(List.of(second), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(2);
		// The newer token is still shared: a new instance uses it without a token request.
		assertThat(call(List.of(instance()), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(2);
		assertThat(apiCallsWith("fleet-token-2")).isEqualTo(3);
	}

	@Test
	void evictWhenCalledThenTheSharedTokenIsDeletedToo() {
		FleetInstance instance = instance();
		tokenEndpointIssues("fleet-token-1");
		assertThat(call(List.of(instance), 1)).containsOnly("ok");
		String key = SharedTokenKey.of(instance.credentials()).token();
		assertThat(redis.commands().exists(key)).isOne();
		instance.tokens().evict("partner");
		await().atMost(TIMEOUT).until(() -> redis.commands().exists(key) == 0);
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void startWhenRedisModeHasNoEncryptionKeyThenFailsNamingTheProperty(CapturedOutput output) {
		assertThatException().isThrownBy(() -> FleetInstance.start(START, properties(null)))
			.havingRootCause()
			.isInstanceOf(InvalidTokenKeeperConfigurationException.class)
			.withMessageContaining("tokenkeeper.store.redis.encryption-key");
		assertThat(output).contains("Property: tokenkeeper.store.redis.encryption-key");
	}

	@Test
	void dpopInstancesWhenSameConfiguredKeyThenOneTokenRequestAndBothProveTheSameKey(@TempDir Path dir) {
		String key = DpopTestKeys.write(DpopTestKeys.keyPair("P-256"), dir.resolve("dpop.pem"));
		List<FleetInstance> fleet = Stream.of(1, 2)
			.map((i) -> instance(this.encryptionKey, "tokenkeeper.clients.partner.dpop.enabled=true",
					"tokenkeeper.clients.partner.dpop.key=" + key))
			.toList();
		dpopTokenEndpointIssues();
		assertThat(call(fleet.subList(0, 1), 1)).containsOnly("ok");
		assertThat(call(fleet.subList(1, 2), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(1);
		assertThat(dpopProofThumbprints()).hasSize(2).containsOnly(fleet.get(0).credentials().dpop().key().thumbprint());
	}

	@Test
	void dpopInstancesWhenKeysGeneratedThenEachRequestsItsOwnToken() {
		List<FleetInstance> fleet = Stream.of(1, 2)
			.map((i) -> instance(this.encryptionKey, "tokenkeeper.clients.partner.dpop.enabled=true"))
			.toList();
		dpopTokenEndpointIssues();
		assertThat(call(fleet.subList(0, 1), 1)).containsOnly("ok");
		assertThat(call(fleet.subList(1, 2), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(2);
		assertThat(dpopProofThumbprints()).hasSize(2).doesNotHaveDuplicates();
		// and a bearer instance of the same registration never takes a DPoP-bound token either
		FleetInstance bearer = instance();
		tokenEndpointIssues("fleet-token-9");
		assertThat(call(List.of(bearer), 1)).containsOnly("ok");
		assertThat(tokenRequests()).isEqualTo(3);
	}

	private void dpopTokenEndpointIssues() {
		this.server.stubFor(post("/oauth2/token").willReturn(DpopStubs.token("fleet-token-1", "DPoP")));
		this.server.stubFor(get(urlPathEqualTo("/api/rooms")).withHeader("Authorization", equalTo("DPoP fleet-token-1"))
			.willReturn(aResponse().withBody("ok")));
	}

	private List<String> dpopProofThumbprints() {
		return this.server.findAll(getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader("DPoP", matching(".+")))
			.stream()
			.map((call) -> DpopProofChecks.verified(call.getHeader("DPoP")).thumbprint())
			.toList();
	}

	private FleetInstance instance() {
		return instance(this.encryptionKey);
	}

	/**
	 * An instance whose registration differs from the others' in its token URI alone, or
	 * with {@code null}, discovers it from the stub as its {@code issuer-uri}.
	 */
	private FleetInstance instanceWithTokenUri(String tokenUri) {
		List<String> properties = properties(this.encryptionKey).stream()
			.map((property) -> !property.startsWith("tokenkeeper.clients.partner.token-uri=") ? property
					: (tokenUri != null) ? "tokenkeeper.clients.partner.token-uri=" + tokenUri
							: "tokenkeeper.clients.partner.issuer-uri=" + this.server.baseUrl())
			.toList();
		FleetInstance instance = FleetInstance.start(START, properties);
		this.instances.add(instance);
		return instance;
	}

	private FleetInstance instance(String encryptionKey, String... extra) {
		FleetInstance instance = FleetInstance
			.start(START, Stream.concat(properties(encryptionKey).stream(), Stream.of(extra)).toList());
		this.instances.add(instance);
		return instance;
	}

	private List<String> properties(String key) {
		List<String> properties = new ArrayList<>(redis.properties());
		properties.add("tokenkeeper.store.type=redis");
		if (key != null) {
			properties.add("tokenkeeper.store.redis.encryption-key=" + key);
		}
		properties.add("tokenkeeper.clients.partner.token-uri=" + this.server.baseUrl() + "/oauth2/token");
		properties.add("tokenkeeper.clients.partner.client-id=client");
		properties.add("tokenkeeper.clients.partner.client-secret=a+b/c:=%");
		properties.add("tokenkeeper.clients.partner.scopes=rooms:read");
		properties.add("tokenkeeper.clients.partner.base-urls=" + this.server.baseUrl() + "/api");
		return properties;
	}

	private void tokenEndpointIssues(String token) {
		this.server.stubFor(post("/oauth2/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
	}

	/** Every call of every instance at once; a failed call answers {@code failed: …}. */
	private List<String> call(List<FleetInstance> fleet, int callsEach) {
		return Flux.fromIterable(fleet)
			.flatMap((instance) -> Flux.range(0, callsEach)
				.flatMap((i) -> instance.webClient()
					.get()
					.uri(this.server.baseUrl() + "/api/rooms")
					.retrieve()
					.bodyToMono(String.class)
					.onErrorResume((ex) -> Mono.just("failed: " + ex)), callsEach), fleet.size())
			.collectList()
			.block(TIMEOUT);
	}

	private int tokenRequests() {
		return this.server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).size();
	}

	private int apiCallsWith(String token) {
		return this.server
			.findAll(getRequestedFor(urlPathEqualTo("/api/rooms")).withHeader("Authorization",
					equalTo("Bearer " + token)))
			.size();
	}

}
