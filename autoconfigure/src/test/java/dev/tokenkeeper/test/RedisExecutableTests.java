package dev.tokenkeeper.test;

import java.nio.file.Path;
import java.time.Duration;

import dev.tokenkeeper.test.RedisExecutable.RedisUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The test support that later Redis topologies build on: several servers from one binary,
 * each on its own free port, with extra arguments.
 *
 * @author TokenKeeper
 */
class RedisExecutableTests {

	@Test
	void startWhenGivenReplicaofThenTheSecondServerReplicatesTheFirst() {
		RedisExecutable executable = executable();
		try (RedisProcess primary = executable.start();
				RedisProcess replica = executable.start("--repl-diskless-sync-delay", "0", "--replicaof", primary.host(),
						String.valueOf(primary.port()))) {
			assertThat(replica.port()).isNotEqualTo(primary.port()).isNotEqualTo(6379);
			RedisClient client = RedisClient.create();
			try (StatefulRedisConnection<String, String> toPrimary = client
				.connect(RedisURI.create(primary.host(), primary.port()));
					StatefulRedisConnection<String, String> toReplica = client
						.connect(RedisURI.create(replica.host(), replica.port()))) {
				toPrimary.sync().set("greeting", "hello");
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(toReplica.sync().get("greeting")).isEqualTo("hello"));
				assertThat(toReplica.sync().info("replication")).contains("role:slave");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	/**
	 * What a fresh machine relies on (nothing installed, no Docker): where the artifact ships a
	 * binary, the fleet tests get their Redis from Maven, not from the PATH.
	 */
	@Test
	@EnabledOnOs(value = { OS.LINUX, OS.MAC }, architectures = { "amd64", "x86_64", "aarch64" })
	void artifactWhenOnLinuxOrMacOsThenTheMavenArtifactsRedisServerAnswers() {
		RedisExecutable executable = RedisExecutable.artifact();
		assertThat(executable.toString()).startsWith("the embedded-redis artifact's");
		assertThat(executable.path().startsWith(Path.of("/usr"))).as(executable.path().toString()).isFalse();
		try (RedisProcess process = executable.start()) {
			RedisClient client = RedisClient.create();
			try (StatefulRedisConnection<String, String> connection = client
				.connect(RedisURI.create(process.host(), process.port()))) {
				assertThat(connection.sync().ping()).isEqualTo("PONG");
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void closeThenTheProcessIsGone() {
		RedisProcess process = executable().start();
		ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
		assertThat(handle.info().command()).hasValueSatisfying((command) -> assertThat(command).contains("redis-server"));
		process.close();
		assertThat(handle.isAlive()).isFalse();
		assertThat(process.directory()).doesNotExist();
	}

	private static RedisExecutable executable() {
		return RedisExecutable.require();
	}

}
