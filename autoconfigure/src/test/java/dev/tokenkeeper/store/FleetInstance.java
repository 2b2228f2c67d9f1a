package dev.tokenkeeper.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRedisAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRegistrations;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.TestWebClients;
import dev.tokenkeeper.token.ClientCredentials;

/**
 * One instance of a fleet: a Spring application of its own, with its own clock, Redis
 * connection and Reactor Netty resources, in the test's JVM.
 */
final class FleetInstance implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final MutableClock clock;

	private final WebClient webClient;

	private FleetInstance(ConfigurableApplicationContext context, MutableClock clock) {
		this.context = context;
		this.clock = clock;
		this.webClient = TestWebClients.build(context.getBean(WebClient.Builder.class), 50);
	}

	/**
	 * Start an instance.
	 * @param now the instant its clock starts at
	 * @param properties its configuration, as {@code name=value}
	 * @return the running instance
	 */
	static FleetInstance start(Instant now, List<String> properties) {
		MutableClock clock = new MutableClock(now);
		SpringApplication application = new SpringApplication(FleetApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.addInitializers((context) -> context.getBeanFactory()
			.registerSingleton(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, clock));
		String[] args = properties.stream().map((property) -> "--" + property).toArray(String[]::new);
		return new FleetInstance(application.run(args), clock);
	}

	MutableClock clock() {
		return this.clock;
	}

	WebClient webClient() {
		return this.webClient;
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	TokenCache tokens() {
		return this.context.getBean(TokenCache.class);
	}

	ClientCredentials credentials() {
		return this.context.getBean(TokenKeeperRegistrations.class).registrations().get(0).credentials().get();
	}

	double storeResults(String result) {
		return this.context.getBean(MeterRegistry.class)
			.counter("tokenkeeper.store.results", "client", "partner", "result", result)
			.count();
	}

	/** Whether this instance's own Redis connection answers (again). */
	boolean redisAnswers() {
		try (ReactiveRedisConnection connection = this.context.getBean(ReactiveRedisConnectionFactory.class)
			.getReactiveConnection()) {
			return "PONG".equals(connection.ping().block(Duration.ofSeconds(1)));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			DataRedisAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
			TokenKeeperWebClientAutoConfiguration.class, TokenKeeperRedisAutoConfiguration.class })
	static class FleetApplication {

		/**
		 * Reactor Netty resources of this instance alone: with Boot's default (global
		 * resources), closing one instance would dispose the event loops of all of them.
		 */
		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			return factory;
		}

		/** Reconnect quickly once a stopped Redis is back (Lettuce backs off up to 30 s). */
		@Bean
		ClientResourcesBuilderCustomizer fastReconnect() {
			return (builder) -> builder.reconnectDelay(Delay.constant(Duration.ofMillis(100)));
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
