package dev.tokenkeeper.sample.app;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/**
 * TokenKeeper's sample: a WebFlux app whose {@code GET /demo} calls a partner API many times
 * at once through an ordinary {@code WebClient}, with tokens from TokenKeeper.
 * <p>
 * Spring Security is on this classpath only for the partner stand-ins (an authorization
 * server and a resource server, in {@code dev.tokenkeeper.sample.partners}); the app itself
 * is left open like any app that adds just the TokenKeeper starter, so Boot's reactive
 * security auto-configurations are excluded here.
 */
@SpringBootApplication(exclude = { ReactiveWebSecurityAutoConfiguration.class,
		ReactiveUserDetailsServiceAutoConfiguration.class, ReactiveManagementWebSecurityAutoConfiguration.class })
@EnableConfigurationProperties(DemoProperties.class)
public class SampleApplication {

	private static final Log logger = LogFactory.getLog(SampleApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> tryItOut() {
		return (event) -> {
			if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
				String base = "http://localhost:" + web.getWebServer().getPort();
				logger.info("TokenKeeper sample ready. Try: curl '" + base + "/demo?calls=500', '" + base
						+ "/clinics?calls=100' and " + base + "/actuator/tokenkeeper");
			}
		};
	}

}
