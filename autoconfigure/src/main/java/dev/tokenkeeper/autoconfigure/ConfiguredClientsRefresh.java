package dev.tokenkeeper.autoconfigure;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Configured clients follow a configuration refresh (Spring Cloud Context's
 * {@link EnvironmentChangeEvent}): the properties under {@code tokenkeeper.clients.<id>} are
 * read from the environment again, and a client whose properties changed is replaced as
 * {@code tokenKeeperClients.register} replaces one (its token dropped, the next token
 * request with the new ones), a new one added, a removed one dropped. Clients that only
 * Spring Security's registrations defined are left alone. A client whose new properties are
 * invalid keeps its old ones; the error is logged, naming the properties, never a value.
 *
 * @author TokenKeeper
 */
final class ConfiguredClientsRefresh implements ApplicationListener<EnvironmentChangeEvent> {

	private static final Log logger = LogFactory.getLog(ConfiguredClientsRefresh.class);

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("tokenkeeper.clients");

	private final ConfigurableEnvironment environment;

	/** Resolved on the first refresh: a listener is created early, before the token cache should be. */
	private final ObjectProvider<RuntimeClients> clients;

	/** The properties each configured client was last registered with, by id. */
	private Map<String, Map<String, String>> applied;

	ConfiguredClientsRefresh(ConfigurableEnvironment environment, ObjectProvider<RuntimeClients> clients) {
		this.environment = environment;
		this.clients = clients;
		this.applied = configured(environment);
	}

	@Override
	public synchronized void onApplicationEvent(EnvironmentChangeEvent event) {
		RuntimeClients clients = this.clients.getIfAvailable();
		if (clients == null) {
			return;
		}
		Map<String, Map<String, String>> now = configured(this.environment);
		Map<String, Map<String, String>> applied = new HashMap<>(this.applied);
		now.forEach((id, properties) -> {
			if (properties.equals(applied.get(id))) {
				return;
			}
			try {
				boolean replaced = clients.registerConfigured(id, properties);
				applied.put(id, properties);
				logger.info("TokenKeeper client '" + id + "' " + (replaced ? "replaced" : "added")
						+ " after a configuration refresh");
			}
			catch (InvalidTokenKeeperConfigurationException ex) {
				logger.warn("TokenKeeper client '" + id + "' keeps its previous configuration: " + ex.getMessage());
			}
		});
		applied.keySet().removeIf((id) -> {
			if (now.containsKey(id)) {
				return false;
			}
			clients.remove(id);
			logger.info("TokenKeeper client '" + id + "' removed after a configuration refresh");
			return true;
		});
		this.applied = applied;
	}

	/**
	 * The properties under {@code tokenkeeper.clients.<id>} by id, names relative to the id,
	 * values as the environment resolves them (placeholders too).
	 */
	private static Map<String, Map<String, String>> configured(ConfigurableEnvironment environment) {
		Map<String, Map<String, String>> clients = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().filter(CLIENTS::isAncestorOf).forEach((name) -> {
				if (name.getNumberOfElements() < 4) {
					return;
				}
				String id = name.getElement(2, Form.ORIGINAL);
				String property = name.subName(3).toString();
				Map<String, String> client = clients.computeIfAbsent(id, (key) -> new LinkedHashMap<>());
				if (!client.containsKey(property)) {
					String value = environment.getProperty(name.toString());
					if (value != null) {
						client.put(property, value);
					}
				}
			});
		}
		return clients;
	}

}
