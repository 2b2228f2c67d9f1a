package dev.tokenkeeper.test;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Reactor Netty event loops of an application's own, as if it ran in a process of its own.
 * Tests that run several applications in one JVM import it: with Reactor Netty's global
 * resources, closing one application would stop the servers and clients of the others.
 */
@Configuration(proxyBeanMethods = false)
public class OwnEventLoops {

	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.setShutdownQuietPeriod(Duration.ZERO);
		return resources;
	}

}
