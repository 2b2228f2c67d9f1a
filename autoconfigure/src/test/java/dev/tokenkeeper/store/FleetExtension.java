package dev.tokenkeeper.store;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.tokenkeeper.test.RedisServer;

/**
 * The set-up of a fleet test, written once: one Redis per test class
 * ({@link RedisServer#perClass()}, so a class is skipped the same way when no Redis can be
 * had), emptied before each test, and a fresh {@link Fleet} against it per test, closed
 * after it. Register it as a static {@code @RegisterExtension} field.
 */
final class FleetExtension
		implements BeforeAllCallback, ExecutionCondition, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final RedisServer redis = RedisServer.perClass();

	private Fleet fleet;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.redis.beforeAll(context);
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		return this.redis.evaluateExecutionCondition(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.redis.commands().flushall();
		this.fleet = new Fleet(this.redis.properties());
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.fleet != null) {
			this.fleet.close();
			this.fleet = null;
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.redis.afterAll(context);
	}

	/**
	 * The current test's fleet.
	 * @return the fleet
	 */
	Fleet get() {
		return this.fleet;
	}

	/**
	 * The Redis the fleet shares.
	 * @return the Redis process
	 */
	RedisServer redis() {
		return this.redis;
	}

}
