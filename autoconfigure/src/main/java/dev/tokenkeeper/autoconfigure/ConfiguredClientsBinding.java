package dev.tokenkeeper.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * Binds {@code tokenkeeper.clients} with {@link ClientBinder}, the binder run-time clients
 * and configuration refreshes use, instead of Boot's binder: Boot binds the rest of
 * {@link TokenKeeperProperties} and leaves the clients alone (this is also the
 * {@link ConfigurationPropertiesBindHandlerAdvisor} that tells it to), then the clients are
 * bound into the same map, so the rest of the application, {@code configprops} included,
 * sees them where it did. It runs whenever the properties bean is (re)bound. A client that
 * cannot be bound fails the start-up with {@link InvalidTokenKeeperConfigurationException},
 * naming the property, never its value.
 *
 * @author TokenKeeper
 */
final class ConfiguredClientsBinding implements BeanPostProcessor, ConfigurationPropertiesBindHandlerAdvisor, ResourceLoaderAware {

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("tokenkeeper.clients");

	private final ConfigurableEnvironment environment;

	private ResourceLoader resources = new DefaultResourceLoader();

	ConfiguredClientsBinding(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resources = resourceLoader;
	}

	@Override
	public BindHandler apply(BindHandler bindHandler) {
		return new AbstractBindHandler(bindHandler) {

			@Override
			public <T> @Nullable Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target,
					BindContext context) {
				return CLIENTS.equals(name) ? null : super.onStart(name, target, context);
			}

		};
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof TokenKeeperProperties properties) {
			ClientBinder.Configured configured = ClientBinder.configured(this.environment, this.resources);
			if (!configured.invalid().isEmpty()) {
				throw new InvalidTokenKeeperConfigurationException(configured.problems());
			}
			properties.getClients().clear();
			configured.clients().forEach((id, bound) -> properties.getClients().put(id, bound.client()));
		}
		return bean;
	}

}
