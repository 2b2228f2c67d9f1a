package dev.tokenkeeper.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.netty.transport.ProxyProvider;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Proxy;
import dev.tokenkeeper.token.TokenEndpointClient;

/**
 * The token endpoint clients of registrations with transport settings of their own: an SSL
 * bundle ({@code tokenkeeper.clients.<id>.ssl-bundle}) or an HTTP proxy
 * ({@code tokenkeeper.clients.<id>.proxy.*}). Each is the shared client over a connector of
 * its own, built from the same {@link ClientHttpConnectorBuilder} and settings, so the
 * application's connector customizations, timeouts and the no-redirects rule still apply.
 * <p>
 * The proxy is set on Reactor Netty's {@code HttpClient}, which ignores the JVM's
 * {@code https.proxyHost} properties; other connectors are refused with a message that says
 * where to configure their proxy instead.
 *
 * @author TokenKeeper
 */
final class TokenEndpointTransports {

	private static final String PREFIX = "tokenkeeper.clients.";

	private TokenEndpointTransports() {
	}

	/**
	 * The clients of the registrations that need one of their own.
	 * @param clients the clients by registration id
	 * @param shared the shared token endpoint client
	 * @param settings the settings the shared client's connector was built with
	 * @param connectorBuilder the connector builder the shared client's connector came from
	 * @param sslBundles the application's SSL bundles, if any
	 * @return the clients by registration id; registrations without settings are absent
	 * @throws InvalidTokenKeeperConfigurationException naming every invalid property
	 */
	static Map<String, TokenEndpointClient> clients(Map<String, Client> configured, TokenEndpointClient shared,
			HttpClientSettings settings, ClientHttpConnectorBuilder<?> connectorBuilder,
			@Nullable SslBundles sslBundles) {
		List<Problem> problems = new ArrayList<>();
		Map<String, TokenEndpointClient> clients = new LinkedHashMap<>();
		configured.forEach((id, client) -> {
			boolean ownBundle = StringUtils.hasText(client.getSslBundle());
			boolean ownProxy = isConfigured(client.getProxy());
			if (!ownBundle && !ownProxy) {
				return;
			}
			String prefix = PREFIX + id + ".";
			int before = problems.size();
			HttpClientSettings own = ownBundle ? withSslBundle(settings, client, sslBundles, prefix, problems) : settings;
			ClientHttpConnectorBuilder<?> builder = ownProxy
					? withProxy(connectorBuilder, client.getProxy(), prefix, problems) : connectorBuilder;
			if (problems.size() == before) {
				clients.put(id, shared.withConnector(NoRedirects.connector(builder, own)));
			}
		});
		if (!problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
		return clients;
	}

	private static boolean isConfigured(Proxy proxy) {
		return StringUtils.hasText(proxy.getHost()) || proxy.getPort() != null
				|| StringUtils.hasText(proxy.getUsername()) || StringUtils.hasText(proxy.getPassword());
	}

	private static HttpClientSettings withSslBundle(HttpClientSettings settings, Client client,
			@Nullable SslBundles sslBundles, String prefix, List<Problem> problems) {
		String name = client.getSslBundle().trim();
		if (sslBundles == null) {
			problems.add(new Problem(prefix + "ssl-bundle",
					"needs Spring Boot's SSL bundles, which are not available (SslAutoConfiguration is excluded?)"));
			return settings;
		}
		try {
			SslBundle bundle = sslBundles.getBundle(name);
			return settings.withSslBundle(bundle);
		}
		catch (NoSuchSslBundleException ex) {
			problems.add(new Problem(prefix + "ssl-bundle", "names no SSL bundle: define '" + name
					+ "' under spring.ssl.bundle.jks or spring.ssl.bundle.pem"));
			return settings;
		}
	}

	private static ClientHttpConnectorBuilder<?> withProxy(ClientHttpConnectorBuilder<?> connectorBuilder,
			Proxy proxy, String prefix, List<Problem> problems) {
		int before = problems.size();
		String host = proxy.getHost();
		Integer port = proxy.getPort();
		String username = proxy.getUsername();
		String password = proxy.getPassword();
		if (!StringUtils.hasText(host)) {
			problems.add(new Problem(prefix + "proxy.host", "must be set when other proxy settings are"));
		}
		if (port == null || port < 1 || port > 65535) {
			problems.add(new Problem(prefix + "proxy.port", "must be set to a port between 1 and 65535"));
		}
		if (StringUtils.hasText(username) != StringUtils.hasText(password)) {
			problems.add(new Problem(prefix + (StringUtils.hasText(username) ? "proxy.password" : "proxy.username"),
					"must be set too: proxy authentication needs both user name and password"));
		}
		if (!(connectorBuilder instanceof ReactorClientHttpConnectorBuilder reactor)) {
			problems.add(new Problem(prefix + "proxy.host", "is supported with Reactor Netty's connector only, not "
					+ connectorBuilder.getClass().getSimpleName()
					+ "; configure the proxy on your ClientHttpConnectorBuilder bean instead"));
			return connectorBuilder;
		}
		if (problems.size() > before) {
			return connectorBuilder;
		}
		String proxyHost = host.trim();
		int proxyPort = port;
		return reactor.withHttpClientCustomizer((httpClient) -> httpClient.proxy((spec) -> {
			ProxyProvider.Builder builder = spec.type(ProxyProvider.Proxy.HTTP).host(proxyHost).port(proxyPort);
			if (StringUtils.hasText(username)) {
				builder.username(username).password((name) -> password);
			}
		}));
	}

}
