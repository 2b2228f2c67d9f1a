package dev.tokenkeeper.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;

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

	private final ConfigurableEnvironment environment;

	private final ResourceLoader resources;

	/** Resolved on the first refresh: a listener is created early, before the token cache should be. */
	private final ObjectProvider<RuntimeClients> clients;

	/** The values each configured client was last registered with, by id. */
	private Map<String, Map<String, Object>> applied;

	ConfiguredClientsRefresh(ConfigurableEnvironment environment, ResourceLoader resources,
			ObjectProvider<RuntimeClients> clients) {
		this.environment = environment;
		this.resources = resources;
		this.clients = clients;
		this.applied = values(ClientBinder.configured(environment, resources));
	}

	@Override
	public synchronized void onApplicationEvent(EnvironmentChangeEvent event) {
		RuntimeClients clients = this.clients.getIfAvailable();
		if (clients == null) {
			return;
		}
		ClientBinder.Configured now = ClientBinder.configured(this.environment, this.resources);
		Map<String, Map<String, Object>> applied = new HashMap<>(this.applied);
		now.clients().forEach((id, bound) -> {
			if (bound.values().equals(applied.get(id))) {
				return;
			}
			try {
				boolean replaced = clients.registerConfigured(id, bound.client());
				applied.put(id, bound.values());
				logger.info("TokenKeeper client '" + id + "' " + (replaced ? "replaced" : "added")
						+ " after a configuration refresh");
			}
			catch (InvalidTokenKeeperConfigurationException ex) {
				logger.warn("TokenKeeper client '" + id + "' keeps its previous configuration: " + ex.getMessage());
			}
		});
		now.invalid().forEach((id, problems) -> logger.warn("TokenKeeper client '" + id
				+ "' keeps its previous configuration: " + new InvalidTokenKeeperConfigurationException(problems).getMessage()));
		applied.keySet().removeIf((id) -> {
			if (now.clients().containsKey(id) || now.invalid().containsKey(id)) {
				return false;
			}
			clients.remove(id);
			logger.info("TokenKeeper client '" + id + "' removed after a configuration refresh");
			return true;
		});
		this.applied = applied;
	}

	private static Map<String, Map<String, Object>> values(ClientBinder.Configured configured) {
		Map<String, Map<String, Object>> values = new HashMap<>();
		configured.clients().forEach((id, bound) -> values.put(id, bound.values()));
		return values;
	}

}
