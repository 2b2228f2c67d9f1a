package dev.tokenkeeper.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenCacheObserver;
import dev.tokenkeeper.observation.TokenCacheMeterBinder;
import dev.tokenkeeper.observation.TokenCacheMetrics;

import static org.assertj.core.api.Assertions.assertThat;

class TokenKeeperMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				ReactiveHttpClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
				TokenKeeperMetricsAutoConfiguration.class))
		.withPropertyValues("tokenkeeper.clients.partner.token-uri=https://auth.example.com/oauth/token",
				"tokenkeeper.clients.partner.client-id=client", "tokenkeeper.clients.partner.client-secret=secret");

	@Test
	void metricsWhenMeterRegistryThenEveryMeterIsRegisteredPerRegistration() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(TokenCacheMetrics.class).hasSingleBean(TokenCacheMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(TokenCache.class);
			assertThat(registry.find("tokenkeeper.token.lookups").tag("client", "partner").counters()).hasSize(4);
			assertThat(registry.find("tokenkeeper.token.invalidations").tag("client", "partner").counters())
				.hasSize(2);
			assertThat(registry.find("tokenkeeper.token.ttl").tag("client", "partner").timeGauge()).isNotNull();
			assertThat(registry.find("cache.gets").tag("cache", "tokenkeeper").functionCounters()).isNotEmpty();
		});
	}

	@Test
	void metricsWhenNoMeterRegistryBeanThenBacksOff() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(TokenCache.class)
			.doesNotHaveBean(TokenCacheMetrics.class)
			.doesNotHaveBean(TokenCacheMeterBinder.class));
	}

	@Test
	void metricsWhenMicrometerIsNotOnTheClasspathThenBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(TokenCache.class)
				.doesNotHaveBean(TokenCacheMetrics.class)
				.doesNotHaveBean(TokenCacheMeterBinder.class));
	}

	@Test
	void metricsWhenUserDefinesTheirOwnThenBacksOff() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		TokenCacheMetrics own = new TokenCacheMetrics(registry);
		this.contextRunner.withBean(MeterRegistry.class, () -> registry)
			.withBean("myMetrics", TokenCacheMetrics.class, () -> own)
			.run((context) -> assertThat(context).getBean(TokenCacheMetrics.class).isSameAs(own));
	}

	@Test
	void metricsWhenTokenKeeperIsDisabledThenBacksOff() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("tokenkeeper.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TokenCache.class)
				.doesNotHaveBean(TokenCacheObserver.class)
				.doesNotHaveBean(TokenCacheMeterBinder.class));
	}

}
