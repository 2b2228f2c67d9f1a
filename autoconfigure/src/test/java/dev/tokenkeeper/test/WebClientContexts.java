package dev.tokenkeeper.test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import dev.tokenkeeper.autoconfigure.TokenKeeperAutoConfiguration;
import dev.tokenkeeper.autoconfigure.TokenKeeperWebClientAutoConfiguration;

/**
 * Contexts as an application has them: Boot's {@code WebClient.Builder} with TokenKeeper,
 * reading a test clock.
 */
public final class WebClientContexts {

	private WebClientContexts() {
	}

	/**
	 * A runner with Boot's reactive HTTP client and WebClient auto-configuration, TokenKeeper's,
	 * and {@code clock} as the {@code tokenKeeperClock} bean.
	 * @param clock the clock TokenKeeper reads
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(Clock clock) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class, TokenKeeperAutoConfiguration.class,
					TokenKeeperWebClientAutoConfiguration.class))
			.withBean(TokenKeeperAutoConfiguration.CLOCK_BEAN_NAME, Clock.class, () -> clock)
			// Reactor Netty waits 2 s for quiet before its event loops stop on every context close.
			// Not 0 s: with no quiet period at all the loops could stop while the connection pool
			// was still closing its connections on them, and context close then waited forever
			// (seen once: ReactorResourceFactory.stop blocked on the global resources' disposal)
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=50ms");
	}

	/**
	 * The properties of a basic-form registration.
	 * @param id the registration id
	 * @param tokenUri the token endpoint
	 * @param baseUrls its base URLs, possibly none
	 * @return {@code tokenkeeper.clients.<id>.*} properties
	 */
	public static String[] registration(String id, String tokenUri, String... baseUrls) {
		String prefix = "tokenkeeper.clients." + id + ".";
		List<String> properties = new ArrayList<>(List.of(prefix + "token-uri=" + tokenUri,
				prefix + "client-id=" + id + "-client", prefix + "client-secret=" + id + "-secret"));
		if (baseUrls.length > 0) {
			properties.add(prefix + "base-urls=" + String.join(",", baseUrls));
		}
		return properties.toArray(String[]::new);
	}

}
