package dev.tokenkeeper.test;

import java.time.Clock;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperRestClientAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperServletClientManagerAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperSpringRegistrationsAutoConfiguration;

/**
 * Contexts as a servlet or batch application has them: Boot's {@code RestClient.Builder} with
 * TokenKeeper, reading a test clock.
 */
public final class RestClientContexts {

	private RestClientContexts() {
	}

	/**
	 * A runner with Boot's HTTP client, SSL and RestClient auto-configuration, TokenKeeper's,
	 * and {@code clock} as the {@code tokenKeeperClock} bean. RestClients use the JDK's
	 * client, which takes any number of concurrent calls (Reactor Netty's default pool queues
	 * only a few dozen).
	 * @param clock the clock TokenKeeper reads
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(Clock clock) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class, TokenKeeperSpringRegistrationsAutoConfiguration.class,
					TokenKeeperAutoConfiguration.class, TokenKeeperRestClientAutoConfiguration.class,
					TokenKeeperServletClientManagerAutoConfiguration.class))
			.withBean(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> clock)
			.withPropertyValues("spring.http.clients.imperative.factory=jdk",
					"spring.reactor.netty.shutdown-quiet-period=50ms");
	}

}
