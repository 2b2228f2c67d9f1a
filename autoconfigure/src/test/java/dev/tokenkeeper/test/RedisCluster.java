package dev.tokenkeeper.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * A Redis Cluster of three masters for tests, built without {@code redis-cli}: three
 * {@code redis-server --cluster-enabled yes} processes, a third of the 16384 slots each
 * ({@code CLUSTER ADDSLOTS}), joined by {@code CLUSTER MEET}, ready once every node reports
 * {@code cluster_state:ok}. Only Redis 6.2 commands.
 */
public final class RedisCluster implements AutoCloseable {

	private static final int SLOTS = 16384;

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final RedisProcesses processes = new RedisProcesses();

	private final List<Integer> ports = new ArrayList<>();

	private final List<RedisClient> clients = new ArrayList<>();

	private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

	private RedisCluster(int masters) {
		for (int i = 0; i < masters; i++) {
			int port = RedisProcesses.freePort();
			this.processes.start(port, RedisProcesses.node(port, "--cluster-enabled", "yes", "--cluster-config-file",
					"nodes-" + port + ".conf", "--cluster-node-timeout", "2000"));
			this.ports.add(port);
			RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
			this.clients.add(client);
			this.connections.add(client.connect());
		}
		for (int i = 0; i < masters; i++) {
			int from = i * SLOTS / masters;
			int to = (i + 1) * SLOTS / masters;
			node(i).clusterAddSlots(IntStream.range(from, to).toArray());
		}
		for (int i = 1; i < masters; i++) {
			node(0).clusterMeet("127.0.0.1", this.ports.get(i));
		}
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (!IntStream.range(0, masters).allMatch((i) -> node(i).clusterInfo().contains("cluster_state:ok"))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The cluster did not become ready; see " + this.processes.directory());
			}
			RedisProcesses.pause(100);
		}
	}

	/**
	 * Start a cluster of three masters, or skip the test without a {@code redis-server}.
	 * @return the running cluster
	 */
	public static RedisCluster start() {
		return new RedisCluster(3);
	}

	/**
	 * Commands on one node.
	 * @param index the node, from 0
	 * @return its commands
	 */
	public RedisCommands<String, String> node(int index) {
		return this.connections.get(index).sync();
	}

	/**
	 * How many nodes.
	 * @return the count
	 */
	public int size() {
		return this.ports.size();
	}

	/**
	 * Spring Boot properties that point {@code spring.data.redis.cluster.*} at this cluster.
	 * @return the properties, as {@code name=value}
	 */
	public List<String> properties() {
		return List.of("spring.data.redis.cluster.nodes="
				+ this.ports.stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(",")));
	}

	@Override
	public void close() {
		this.connections.forEach(StatefulRedisConnection::close);
		this.clients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
		this.processes.close();
	}

}
