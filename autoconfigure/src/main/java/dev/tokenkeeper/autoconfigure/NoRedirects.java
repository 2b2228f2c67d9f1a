package dev.tokenkeeper.autoconfigure;

import java.net.http.HttpClient;
import java.util.Collection;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JettyClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.HttpComponentsClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.JdkClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.JettyClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.util.ClassUtils;

import dev.tokenkeeper.web.TokenKeeperTransports;

/**
 * Transports that follow no redirects, whatever the application customized: the token
 * endpoint's (a {@code 307} would re-post the client secret elsewhere) and the no-redirect
 * side of every connector and request factory built from Spring Boot's builders, which
 * requests carrying a token use.
 * <p>
 * {@link HttpRedirects#DONT_FOLLOW} in the settings is not enough on its own: Boot applies an
 * application's {@code ClientHttpConnectorBuilderCustomizer}s (and their HTTP client
 * customizers) after the settings, so one that follows redirects would win. For each
 * connector and factory Boot supports, turning redirects off on the underlying HTTP client is
 * therefore added as the builder's last customizer. A builder of another kind gets the
 * settings only.
 *
 * @author TokenKeeper
 */
final class NoRedirects {

	private static final ClassLoader classLoader = NoRedirects.class.getClassLoader();

	private static final boolean jettyPresent = ClassUtils.isPresent("org.eclipse.jetty.client.HttpClient",
			classLoader);

	private static final boolean httpComponentsAsyncPresent = ClassUtils
		.isPresent("org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder", classLoader);

	private static final boolean httpComponentsPresent = ClassUtils
		.isPresent("org.apache.hc.client5.http.impl.classic.HttpClientBuilder", classLoader);

	private NoRedirects() {
	}

	/**
	 * A connector that follows no redirects.
	 * @param builder the builder, possibly one this class decorated
	 * @param settings the settings, whose redirect setting is replaced
	 * @return the connector
	 */
	static ClientHttpConnector connector(ClientHttpConnectorBuilder<?> builder, @Nullable HttpClientSettings settings) {
		return lastly(unwrap(builder)).build(settings(settings));
	}

	/**
	 * A request factory that follows no redirects.
	 * @param builder the builder, possibly one this class decorated
	 * @param settings the settings, whose redirect setting is replaced
	 * @return the request factory
	 */
	static ClientHttpRequestFactory requestFactory(ClientHttpRequestFactoryBuilder<?> builder,
			@Nullable HttpClientSettings settings) {
		return lastly(unwrap(builder)).build(settings(settings));
	}

	/**
	 * The builder as the application configured it, without the decoration of
	 * {@link #postProcessor()}.
	 * @param builder a builder
	 * @return the builder it decorates, or itself
	 */
	static ClientHttpConnectorBuilder<?> unwrap(ClientHttpConnectorBuilder<?> builder) {
		return (builder instanceof TokenSafeConnectorBuilder safe) ? safe.delegate : builder;
	}

	private static ClientHttpRequestFactoryBuilder<?> unwrap(ClientHttpRequestFactoryBuilder<?> builder) {
		return (builder instanceof TokenSafeRequestFactoryBuilder safe) ? safe.delegate : builder;
	}

	private static HttpClientSettings settings(@Nullable HttpClientSettings settings) {
		return ((settings != null) ? settings : HttpClientSettings.defaults()).withRedirects(HttpRedirects.DONT_FOLLOW);
	}

	private static ClientHttpConnectorBuilder<?> lastly(ClientHttpConnectorBuilder<?> builder) {
		if (builder instanceof ReactorClientHttpConnectorBuilder reactor) {
			return reactor.withHttpClientCustomizer((httpClient) -> httpClient.followRedirect(false));
		}
		if (builder instanceof JdkClientHttpConnectorBuilder jdk) {
			return jdk.withHttpClientCustomizer((httpClient) -> httpClient.followRedirects(HttpClient.Redirect.NEVER));
		}
		if (jettyPresent && builder instanceof JettyClientHttpConnectorBuilder jetty) {
			return Jetty.lastly(jetty);
		}
		if (httpComponentsAsyncPresent && builder instanceof HttpComponentsClientHttpConnectorBuilder httpComponents) {
			return HttpComponents.lastly(httpComponents);
		}
		return builder;
	}

	private static ClientHttpRequestFactoryBuilder<?> lastly(ClientHttpRequestFactoryBuilder<?> builder) {
		if (builder instanceof ReactorClientHttpRequestFactoryBuilder reactor) {
			return reactor.withHttpClientCustomizer((httpClient) -> httpClient.followRedirect(false));
		}
		if (builder instanceof JdkClientHttpRequestFactoryBuilder jdk) {
			return jdk.withHttpClientCustomizer((httpClient) -> httpClient.followRedirects(HttpClient.Redirect.NEVER));
		}
		if (jettyPresent && builder instanceof JettyClientHttpRequestFactoryBuilder jetty) {
			return Jetty.lastly(jetty);
		}
		if (httpComponentsPresent && builder instanceof HttpComponentsClientHttpRequestFactoryBuilder httpComponents) {
			return HttpComponents.lastly(httpComponents);
		}
		// the simple factory's HttpURLConnection follows the settings, and nothing customizes that later
		return builder;
	}

	/**
	 * Decorates the application's connector and request factory builders so that what they
	 * build sends requests carrying a token without following redirects
	 * ({@link TokenKeeperTransports}).
	 * @return the post-processor
	 */
	static BeanPostProcessor postProcessor() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof ClientHttpConnectorBuilder<?> builder && !(bean instanceof TokenSafeConnectorBuilder)) {
					return new TokenSafeConnectorBuilder(builder);
				}
				if (bean instanceof ClientHttpRequestFactoryBuilder<?> builder
						&& !(bean instanceof TokenSafeRequestFactoryBuilder)) {
					return new TokenSafeRequestFactoryBuilder(builder);
				}
				return bean;
			}

		};
	}

	/** Builds connectors whose requests with a token go out on a no-redirect twin. */
	static final class TokenSafeConnectorBuilder implements ClientHttpConnectorBuilder<ClientHttpConnector> {

		private final ClientHttpConnectorBuilder<?> delegate;

		TokenSafeConnectorBuilder(ClientHttpConnectorBuilder<?> delegate) {
			this.delegate = delegate;
		}

		@Override
		public ClientHttpConnector build(@Nullable HttpClientSettings settings) {
			return TokenKeeperTransports.connector(this.delegate.build(settings),
					() -> NoRedirects.connector(this.delegate, settings));
		}

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public ClientHttpConnectorBuilder<ClientHttpConnector> withCustomizer(Consumer<ClientHttpConnector> customizer) {
			return new TokenSafeConnectorBuilder(((ClientHttpConnectorBuilder) this.delegate).withCustomizer(customizer));
		}

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public ClientHttpConnectorBuilder<ClientHttpConnector> withCustomizers(
				Collection<Consumer<ClientHttpConnector>> customizers) {
			return new TokenSafeConnectorBuilder(((ClientHttpConnectorBuilder) this.delegate).withCustomizers(customizers));
		}

	}

	/** Builds request factories whose requests with a token are created by a no-redirect twin. */
	static final class TokenSafeRequestFactoryBuilder implements ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> {

		private final ClientHttpRequestFactoryBuilder<?> delegate;

		TokenSafeRequestFactoryBuilder(ClientHttpRequestFactoryBuilder<?> delegate) {
			this.delegate = delegate;
		}

		@Override
		public ClientHttpRequestFactory build(@Nullable HttpClientSettings settings) {
			return TokenKeeperTransports.requestFactory(this.delegate.build(settings),
					() -> NoRedirects.requestFactory(this.delegate, settings));
		}

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> withCustomizer(
				Consumer<ClientHttpRequestFactory> customizer) {
			return new TokenSafeRequestFactoryBuilder(
					((ClientHttpRequestFactoryBuilder) this.delegate).withCustomizer(customizer));
		}

		@Override
		@SuppressWarnings({ "unchecked", "rawtypes" })
		public ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> withCustomizers(
				Collection<Consumer<ClientHttpRequestFactory>> customizers) {
			return new TokenSafeRequestFactoryBuilder(
					((ClientHttpRequestFactoryBuilder) this.delegate).withCustomizers(customizers));
		}

	}

	/** Kept apart so that Jetty's classes load only when Jetty is there. */
	private static final class Jetty {

		static ClientHttpConnectorBuilder<?> lastly(JettyClientHttpConnectorBuilder builder) {
			return builder.withHttpClientCustomizer((httpClient) -> httpClient.setFollowRedirects(false));
		}

		static ClientHttpRequestFactoryBuilder<?> lastly(JettyClientHttpRequestFactoryBuilder builder) {
			return builder.withHttpClientCustomizer((httpClient) -> httpClient.setFollowRedirects(false));
		}

	}

	/** Kept apart so that HttpComponents' classes load only when HttpComponents is there. */
	private static final class HttpComponents {

		static ClientHttpConnectorBuilder<?> lastly(HttpComponentsClientHttpConnectorBuilder builder) {
			return builder.withDefaultRequestConfigCustomizer((requestConfig) -> requestConfig.setRedirectsEnabled(false))
				.withHttpClientCustomizer((httpClient) -> httpClient.disableRedirectHandling());
		}

		static ClientHttpRequestFactoryBuilder<?> lastly(HttpComponentsClientHttpRequestFactoryBuilder builder) {
			return builder.withDefaultRequestConfigCustomizer((requestConfig) -> requestConfig.setRedirectsEnabled(false))
				.withHttpClientCustomizer((httpClient) -> httpClient.disableRedirectHandling());
		}

	}

}
