package dev.tokenkeeper.sample.partners;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The sample's stand-ins for a real partner, each an application of its own in this JVM on
 * a free loopback port: an authorization server and the API that trusts it. They read only
 * their own configuration files, never the sample's {@code application.yml}.
 */
public final class Partners implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Partners.class);

	private final ConfigurableApplicationContext authorizationServer;

	private final ConfigurableApplicationContext api;

	private final String authorizationServerUrl;

	private final String apiUrl;

	private final AtomicBoolean closed = new AtomicBoolean();

	private Partners(ConfigurableApplicationContext authorizationServer, ConfigurableApplicationContext api) {
		this.authorizationServer = authorizationServer;
		this.api = api;
		this.authorizationServerUrl = url(authorizationServer);
		this.apiUrl = url(api);
	}

	/**
	 * Start the authorization server, then the API that trusts it.
	 * @return the running partners
	 */
	public static Partners start() {
		ConfigurableApplicationContext authorizationServer = run(PartnerAuthorizationServer.class,
				WebApplicationType.SERVLET, PartnerAuthorizationServer.CONFIG_NAME, Map.of());
		try {
			ConfigurableApplicationContext api = run(PartnerApi.class, WebApplicationType.REACTIVE,
					PartnerApi.CONFIG_NAME, Map.of("partner.authorization-server-url", url(authorizationServer)));
			Partners partners = new Partners(authorizationServer, api);
			logger.info("Partner authorization server (Spring Authorization Server) at " + partners.authorizationServerUrl
					+ ", partner API at " + partners.apiUrl);
			return partners;
		}
		catch (RuntimeException ex) {
			authorizationServer.close();
			throw ex;
		}
	}

	private static ConfigurableApplicationContext run(Class<?> application, WebApplicationType type,
			String configName, Map<String, Object> properties) {
		return new SpringApplicationBuilder(application).web(type)
			.logStartupInfo(false)
			.properties(Map.of("spring.config.name", configName, "spring.main.banner-mode", "off"))
			// ahead of everything, so that the sample's SERVER_PORT or -Dserver.port is not theirs
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("partner", withServer(properties))))
			.run();
	}

	private static Map<String, Object> withServer(Map<String, Object> properties) {
		Map<String, Object> all = new HashMap<>(properties);
		all.put("server.address", "127.0.0.1");
		all.put("server.port", "0");
		return all;
	}

	private static String url(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * The authorization server's base URL; its token endpoint is {@code /oauth2/token}.
	 * @return the URL
	 */
	public String authorizationServerUrl() {
		return this.authorizationServerUrl;
	}

	/**
	 * The API's base URL.
	 * @return the URL
	 */
	public String apiUrl() {
		return this.apiUrl;
	}

	/**
	 * Token requests the authorization server received from this client id.
	 * @param clientId the OAuth2 client id
	 * @return the count since start-up
	 */
	public int tokenRequests(String clientId) {
		return this.authorizationServer.getBean(TokenRequestCounter.class).count(clientId);
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.api.close();
			this.authorizationServer.close();
		}
	}

}
