package dev.tokenkeeper.integration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.tokenkeeper.test.TokenRequestCounter;

/**
 * The in-process servers of the authorization-server tests, set up once: a real Spring
 * Authorization Server ({@link AuthorizationServerIntegrationTests.AuthorizationServer} plus
 * whatever a test adds) and a resource server that verifies its tokens against the
 * authorization server's JWK Set, each an application of its own on a loopback port,
 * started before the test class and closed after it. Register it as a static
 * {@code @RegisterExtension} field.
 */
final class AuthorizationServerAndApi implements BeforeAllCallback, AfterAllCallback {

	private final List<Class<?>> authorizationServerSources = new ArrayList<>();

	private final Map<String, Object> authorizationServerProperties = new LinkedHashMap<>();

	private Class<?> resourceServerSource = AuthorizationServerIntegrationTests.ResourceServer.class;

	private WebApplicationType resourceServerType = WebApplicationType.REACTIVE;

	private String jwkSetUriProperty = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

	private ConfigurableApplicationContext authorizationServer;

	private ConfigurableApplicationContext resourceServer;

	private String issuer;

	private String api;

	private AuthorizationServerAndApi(Class<?>... additionalSources) {
		this.authorizationServerSources.add(AuthorizationServerIntegrationTests.AuthorizationServer.class);
		this.authorizationServerSources.addAll(List.of(additionalSources));
	}

	/**
	 * The authorization server, with the test's own configuration beyond the shared one.
	 * @param additionalSources more configuration of the authorization server
	 * @return the fixture
	 */
	static AuthorizationServerAndApi of(Class<?>... additionalSources) {
		return new AuthorizationServerAndApi(additionalSources);
	}

	/**
	 * A client registered through Spring Authorization Server's properties, for the
	 * {@code client_credentials} grant.
	 * @param name the registration's name
	 * @param clientId its client ID
	 * @param secret its secret, stored {@code {noop}}
	 * @param method its client authentication method
	 * @param scope the scope it may ask for
	 * @return the fixture
	 */
	AuthorizationServerAndApi client(String name, String clientId, String secret, String method, String scope) {
		String prefix = "spring.security.oauth2.authorizationserver.client." + name + ".registration.";
		this.authorizationServerProperties.put(prefix + "client-id", clientId);
		this.authorizationServerProperties.put(prefix + "client-secret", "{noop}" + secret);
		this.authorizationServerProperties.put(prefix + "client-authentication-methods", method);
		this.authorizationServerProperties.put(prefix + "authorization-grant-types", "client_credentials");
		this.authorizationServerProperties.put(prefix + "scopes", scope);
		return this;
	}

	/**
	 * A resource server other than the shared reactive one.
	 * @param source its configuration
	 * @param type its web application type
	 * @param jwkSetUriProperty the property it reads the JWK Set URL from
	 * @return the fixture
	 */
	AuthorizationServerAndApi resourceServer(Class<?> source, WebApplicationType type, String jwkSetUriProperty) {
		this.resourceServerSource = source;
		this.resourceServerType = type;
		this.jwkSetUriProperty = jwkSetUriProperty;
		return this;
	}

	/**
	 * No resource server: the test needs the authorization server alone.
	 * @return the fixture
	 */
	AuthorizationServerAndApi withoutResourceServer() {
		this.resourceServerSource = null;
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.authorizationServer = start(this.authorizationServerSources.toArray(Class<?>[]::new),
				WebApplicationType.SERVLET, this.authorizationServerProperties);
		this.issuer = "http://127.0.0.1:" + port(this.authorizationServer);
		if (this.resourceServerSource != null) {
			this.resourceServer = start(this.resourceServerSource, this.resourceServerType,
					Map.of(this.jwkSetUriProperty, this.issuer + "/oauth2/jwks"));
			this.api = "http://127.0.0.1:" + port(this.resourceServer) + "/api";
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.resourceServer != null) {
			this.resourceServer.close();
		}
		if (this.authorizationServer != null) {
			this.authorizationServer.close();
		}
	}

	/**
	 * The authorization server's issuer, {@code http://127.0.0.1:<port>}.
	 * @return the issuer
	 */
	String issuer() {
		return this.issuer;
	}

	/**
	 * The resource server's API, {@code http://127.0.0.1:<port>/api}.
	 * @return the API's base URL
	 */
	String api() {
		return this.api;
	}

	/**
	 * The running authorization server.
	 * @return its context
	 */
	ConfigurableApplicationContext authorizationServer() {
		return this.authorizationServer;
	}

	/**
	 * The token requests the authorization server received, by client ID.
	 * @return the counter
	 */
	TokenRequestCounter counter() {
		return this.authorizationServer.getBean(TokenRequestCounter.class);
	}

	/**
	 * Start an application of these tests on a free loopback port.
	 * @param source its configuration
	 * @param type its web application type
	 * @param properties its properties
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(Class<?> source, WebApplicationType type,
			Map<String, Object> properties) {
		return start(new Class<?>[] { source }, type, properties);
	}

	/**
	 * Start an application of these tests on a free loopback port.
	 * @param sources its configuration
	 * @param type its web application type
	 * @param properties its properties
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(Class<?>[] sources, WebApplicationType type,
			Map<String, Object> properties) {
		Map<String, Object> all = loopbackProperties();
		all.putAll(properties);
		return new SpringApplicationBuilder(sources).web(type).properties(all).run();
	}

	/**
	 * The properties every application of these tests starts with: no
	 * {@code application.properties} from the test class path, loopback only, any free port.
	 * @return a mutable map of them
	 */
	static Map<String, Object> loopbackProperties() {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("spring.config.name", "authorization-server-integration-tests");
		all.put("server.address", "127.0.0.1");
		all.put("server.port", "0");
		all.put("spring.main.banner-mode", "off");
		return all;
	}

	/**
	 * The port a running application listens on.
	 * @param context the application
	 * @return its port
	 */
	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
