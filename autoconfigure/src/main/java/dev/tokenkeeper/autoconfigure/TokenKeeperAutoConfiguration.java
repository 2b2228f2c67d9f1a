package dev.tokenkeeper.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.SharedTokenStore;
import dev.tokenkeeper.cache.TokenCacheObserver;
import dev.tokenkeeper.client.TokenKeeperAuthorizedClientManager;
import dev.tokenkeeper.client.TokenKeeperClientSource;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.observation.TokenRequestObservationConvention;
import dev.tokenkeeper.token.TokenEndpointClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for TokenKeeper's token cache and its {@code ReactiveOAuth2AuthorizedClientManager}.
 * <p>
 * Every time-based decision reads the {@link Clock} bean named {@value #CLOCK_BEAN_NAME} when
 * one exists (tests advance it), else the system clock. No bean of type {@code Clock} is
 * registered, so an application's own {@code Clock} stays unambiguous.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration")
@ConditionalOnClass({ ReactiveOAuth2AuthorizedClientManager.class, ClientHttpConnector.class, Caffeine.class,
		ClientHttpConnectorBuilder.class })
@ConditionalOnBooleanProperty(name = "tokenkeeper.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TokenKeeperProperties.class)
public final class TokenKeeperAutoConfiguration {

	/** The name of an optional {@link Clock} bean TokenKeeper reads instead of the system clock. */
	public static final String CLOCK_BEAN_NAME = "tokenKeeperClock";

	@Bean
	@ConditionalOnMissingBean
	TokenKeeperRegistrations tokenKeeperRegistrations(TokenKeeperProperties properties, TokenEndpointClient client,
			ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder, ObjectProvider<SslBundles> sslBundles,
			@Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> clock) {
		return TokenKeeperRegistrations.of(properties, clock.getIfAvailable(Clock::systemUTC), sslBundles.getIfAvailable())
			.withClients(TokenEndpointTransports.clients(properties.getClients(), client, tokenRequestSettings(properties),
					NoRedirects.unwrap(connectorBuilder.getIfAvailable(ClientHttpConnectorBuilder::detect)),
					sslBundles.getIfAvailable()));
	}

	@Bean
	@ConditionalOnMissingBean
	TokenEndpointClient tokenKeeperTokenEndpointClient(TokenKeeperProperties properties,
			ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
			@Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> clock, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<TokenRequestObservationConvention> observationConvention) {
		TokenKeeperProperties.TokenRequest request = properties.getTokenRequest();
		// Boot's builder, so the application's proxy and SSL customizations apply; never
		// WebClient.Builder, whose filters (ours included) would wrap token requests.
		ClientHttpConnector connector = NoRedirects.connector(
				connectorBuilder.getIfAvailable(ClientHttpConnectorBuilder::detect), tokenRequestSettings(properties));
		return new TokenEndpointClient(connector, clock.getIfAvailable(Clock::systemUTC),
				(int) request.getMaxResponseSize().toBytes(), request.getResponseTimeout(),
				properties.getRetry().getMaxRetryAfter(), observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP),
				observationConvention.getIfUnique());
	}

	/**
	 * TokenKeeper's timeouts; {@link NoRedirects} adds no redirects (a 307 would re-post the
	 * secret elsewhere) when a connector is built with them.
	 */
	static HttpClientSettings tokenRequestSettings(TokenKeeperProperties properties) {
		TokenKeeperProperties.TokenRequest request = properties.getTokenRequest();
		return HttpClientSettings.defaults().withTimeouts(request.getConnectTimeout(), request.getResponseTimeout());
	}

	/**
	 * Requests that carry a token go out without following redirects on every connector and
	 * request factory built from Boot's builders; TokenKeeper's filter and interceptor follow
	 * them, routing each hop.
	 */
	@Bean
	static BeanPostProcessor tokenKeeperRedirectSafeTransports() {
		return NoRedirects.postProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	TokenCache tokenKeeperTokenCache(TokenKeeperRegistrations registrations, TokenEndpointClient client,
			TokenKeeperProperties properties, @Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> clock,
			ObjectProvider<TokenCacheObserver> observers, ObjectProvider<SharedTokenStore> store) {
		SharedTokenStore sharedStore = store.getIfAvailable();
		if (sharedStore == null && properties.getStore().getType() == TokenKeeperProperties.StoreType.REDIS) {
			// Never fall back to per-instance tokens silently: the fleet would multiply them.
			throw new InvalidTokenKeeperConfigurationException(List.of(new Problem("tokenkeeper.store.type",
					"is redis, but no Redis connection is available: add spring-boot-starter-data-redis and "
							+ "configure spring.data.redis.*")));
		}
		return new TokenCache(registrations.registrations(), client, clock.getIfAvailable(Clock::systemUTC),
				properties.getCache().getMaximumSize(), CompositeTokenCacheObserver.of(observers.orderedStream().toList()),
				(sharedStore != null) ? sharedStore : SharedTokenStore.NONE);
	}

	@Bean(TokenKeeperClients.BEAN_NAME)
	@ConditionalOnMissingBean(name = TokenKeeperClients.BEAN_NAME)
	RuntimeClients tokenKeeperClients(TokenCache tokens, TokenKeeperRegistrations registrations,
			TokenKeeperProperties properties, TokenEndpointClient client,
			ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder, ObjectProvider<SslBundles> sslBundles,
			@Qualifier(CLOCK_BEAN_NAME) ObjectProvider<Clock> clock, ObjectProvider<TokenKeeperClientSource> source,
			ResourceLoader resourceLoader) {
		validateRuntime(properties);
		return new RuntimeClients(tokens, registrations.router(), properties, clock.getIfAvailable(Clock::systemUTC),
				sslBundles.getIfAvailable(),
				new RuntimeClients.Transports(client, tokenRequestSettings(properties),
						NoRedirects.unwrap(connectorBuilder.getIfAvailable(ClientHttpConnectorBuilder::detect)),
						sslBundles.getIfAvailable()),
				source.getIfUnique(), Schedulers.boundedElastic(), resourceLoader, registrations.signingKeys());
	}

	/** {@code tokenkeeper.clients} bound by the binder run-time clients use, not by Boot's. */
	@Bean
	static ConfiguredClientsBinding tokenKeeperConfiguredClientsBinding(ConfigurableEnvironment environment) {
		return new ConfiguredClientsBinding(environment);
	}

	/** Configured clients follow a configuration refresh, when Spring Cloud Context is there. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
	static class RefreshConfiguration {

		@Bean
		static ConfiguredClientsRefresh tokenKeeperConfiguredClientsRefresh(ConfigurableEnvironment environment,
				ResourceLoader resourceLoader, ObjectProvider<RuntimeClients> clients) {
			return new ConfiguredClientsRefresh(environment, resourceLoader, clients);
		}

	}

	private static void validateRuntime(TokenKeeperProperties properties) {
		List<Problem> problems = new ArrayList<>();
		if (properties.getRuntime().getMaximumClients() < 1) {
			problems.add(new Problem("tokenkeeper.runtime.maximum-clients", "must be at least 1"));
		}
		Duration idle = properties.getRuntime().getIdleTimeout();
		if (idle == null || idle.isNegative() || idle.isZero()) {
			problems.add(new Problem("tokenkeeper.runtime.idle-timeout", "must be positive"));
		}
		if (!problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
	}

	@Bean
	@ConditionalOnMissingBean(name = "tokenKeeperAuthorizedClientManager")
	TokenKeeperAuthorizedClientManager tokenKeeperAuthorizedClientManager(TokenCache tokens,
			UserClientRegistrations userRegistrations) {
		return new TokenKeeperAuthorizedClientManager(tokens, userRegistrations::manager);
	}

	@Bean
	@ConditionalOnBooleanProperty("tokenkeeper.eager")
	TokenKeeperEagerFetch tokenKeeperEagerFetch(TokenCache tokens) {
		return new TokenKeeperEagerFetch(tokens);
	}

	@Bean
	@ConditionalOnMissingBean
	UserClientRegistrations tokenKeeperUserClientRegistrations(
			ObjectProvider<org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository> repository,
			ObjectProvider<org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository> authorizedClients,
			ObjectProvider<org.springframework.security.oauth2.client.registration.ClientRegistrationRepository> servletRepository) {
		return new UserClientRegistrations(repository, authorizedClients, servletRepository);
	}

}
