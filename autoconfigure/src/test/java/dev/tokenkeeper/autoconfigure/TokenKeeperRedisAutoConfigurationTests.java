package dev.tokenkeeper.autoconfigure;

import java.util.Base64;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.store.RedisSharedTokenStore;
import dev.tokenkeeper.store.SharedTokenStoreMetrics;
import dev.tokenkeeper.test.EncryptionKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fleet mode is switched on, and when it refuses to start. No Redis is needed: the
 * connection is opened on first use.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenKeeperRedisAutoConfigurationTests {

	private static final String KEY_PROPERTY = "tokenkeeper.store.redis.encryption-key";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
				TokenKeeperRedisAutoConfiguration.class))
		.withPropertyValues("tokenkeeper.clients.partner.token-uri=https://auth.example.com/oauth2/token",
				"tokenkeeper.clients.partner.client-id=client", "tokenkeeper.clients.partner.client-secret=secret");

	@Test
	void storeWhenMemoryByDefaultThenNoSharedStore() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TokenCache.class);
			assertThat(context).doesNotHaveBean(SharedTokenStore.class);
		});
	}

	@Test
	void storeWhenRedisWithKeyThenRedisStoreBehindTheCache() {
		this.contextRunner.withPropertyValues("tokenkeeper.store.type=redis", KEY_PROPERTY + "=" + EncryptionKeys.random())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(RedisSharedTokenStore.class);
				assertThat(context).hasSingleBean(TokenCache.class);
				assertThat(context).doesNotHaveBean(SharedTokenStoreMetrics.class);
			});
	}

	@Test
	void storeWhenRedisWithoutKeyThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("tokenkeeper.store.type=redis").run((context) -> {
			assertThat(context).hasFailed();
			InvalidTokenKeeperConfigurationException failure = invalidConfiguration(context.getStartupFailure());
			assertThat(failure.getProblems()).extracting(Problem::property).containsExactly(KEY_PROPERTY);
			FailureAnalysis analysis = new InvalidTokenKeeperConfigurationFailureAnalyzer().analyze(failure);
			assertThat(analysis.getDescription()).contains(KEY_PROPERTY);
			assertThat(analysis.getAction()).contains(KEY_PROPERTY);
		});
	}

	@Test
	void storeWhenRedisWithoutKeyButPlaintextAllowedThenStartsAndWarnsThatWritersCanInjectTokens(
			CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("tokenkeeper.store.type=redis", "tokenkeeper.store.redis.allow-plaintext=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisSharedTokenStore.class)).asString().contains("plaintext");
				assertThat(output).contains("anyone who can read Redis can use them")
					.contains("anyone who can write to it can inject tokens");
			});
	}

	@Test
	void storeWhenKeyHasTheWrongLengthThenStartupFailsWithoutShowingTheKey() {
		String shortKey = Base64.getEncoder().encodeToString("a-16-byte-secret".getBytes());
		this.contextRunner.withPropertyValues("tokenkeeper.store.type=redis", KEY_PROPERTY + "=" + shortKey)
			.run((context) -> {
				InvalidTokenKeeperConfigurationException failure = invalidConfiguration(context.getStartupFailure());
				assertThat(failure.getProblems()).extracting(Problem::property).containsExactly(KEY_PROPERTY);
				assertThat(failure).hasMessageContaining("32 random bytes").hasMessageNotContaining(shortKey);
				FailureAnalysis analysis = new InvalidTokenKeeperConfigurationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(shortKey);
			});
	}

	@Test
	void storeWhenKeyIsNotBase64ThenStartupFailsWithoutShowingTheKey() {
		this.contextRunner.withPropertyValues("tokenkeeper.store.type=redis", KEY_PROPERTY + "=my-pass*word!")
			.run((context) -> {
				InvalidTokenKeeperConfigurationException failure = invalidConfiguration(context.getStartupFailure());
				assertThat(failure.getProblems()).extracting(Problem::property).containsExactly(KEY_PROPERTY);
				assertThat(failure).hasMessageNotContaining("pass*word");
			});
	}

	@Test
	void storeWhenTimeoutsAreNotPositiveThenStartupFailsNamingThem() {
		this.contextRunner
			.withPropertyValues("tokenkeeper.store.type=redis", KEY_PROPERTY + "=" + EncryptionKeys.random(),
					"tokenkeeper.store.redis.command-timeout=0s", "tokenkeeper.store.redis.lock-timeout=-1s")
			.run((context) -> assertThat(invalidConfiguration(context.getStartupFailure()).getProblems())
				.extracting(Problem::property)
				.containsExactly("tokenkeeper.store.redis.command-timeout", "tokenkeeper.store.redis.lock-timeout"));
	}

	@Test
	void storeWhenRedisButNoRedisOnTheClasspathThenStartupFailsNamingTheStoreType() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ReactiveRedisConnectionFactory.class))
			.withPropertyValues("tokenkeeper.store.type=redis", KEY_PROPERTY + "=" + EncryptionKeys.random())
			.run((context) -> assertThat(invalidConfiguration(context.getStartupFailure()).getProblems())
				.extracting(Problem::property)
				.containsExactly("tokenkeeper.store.type"));
	}

	@Test
	void storeWhenMeterRegistryPresentThenCountsResults() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("tokenkeeper.store.type=redis", KEY_PROPERTY + "=" + EncryptionKeys.random())
			.run((context) -> assertThat(context).hasSingleBean(SharedTokenStoreMetrics.class));
	}

	@Test
	void storeWhenTokenKeeperDisabledThenNoStore() {
		this.contextRunner
			.withPropertyValues("tokenkeeper.enabled=false", "tokenkeeper.store.type=redis")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SharedTokenStore.class);
			});
	}

	private static InvalidTokenKeeperConfigurationException invalidConfiguration(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidTokenKeeperConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("startup failure caused by invalid TokenKeeper configuration").isNotNull();
		return (InvalidTokenKeeperConfigurationException) cause;
	}

}
