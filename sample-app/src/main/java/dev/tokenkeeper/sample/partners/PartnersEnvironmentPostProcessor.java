package dev.tokenkeeper.sample.partners;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the {@link Partners} before the sample's own context when
 * {@code sample.partners.enabled} is true (the default profile; {@code live} turns it off),
 * and publishes their URLs as {@code sample.partners.authorization-server-url} and
 * {@code sample.partners.api-url} for {@code application.yml} to use. They stop with the
 * sample, or when it fails to start.
 * <p>
 * This is the sample's scaffolding, not TokenKeeper's: an application that calls real
 * partners needs none of it.
 */
class PartnersEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String ENABLED = "sample.partners.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		// the partners' own applications read other configuration files, so they never recurse
		if (!environment.getProperty(ENABLED, Boolean.class, false)) {
			return;
		}
		Partners partners = Partners.start();
		environment.getPropertySources()
			.addLast(new MapPropertySource("samplePartners",
					Map.of("sample.partners.authorization-server-url", partners.authorizationServerUrl(),
							"sample.partners.api-url", partners.apiUrl())));
		application.addInitializers((ConfigurableApplicationContext context) -> {
			context.getBeanFactory().registerSingleton("samplePartners", partners);
			context.addApplicationListener(stopWith(context, partners));
		});
	}

	private static ApplicationListener<ApplicationEvent> stopWith(ConfigurableApplicationContext context,
			Partners partners) {
		return (event) -> {
			if ((event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context)
					|| event instanceof ApplicationFailedEvent) {
				partners.close();
			}
		};
	}

}
