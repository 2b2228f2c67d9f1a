package dev.tokenkeeper.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.web.client.ClientRegistrationIdProcessor;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

import dev.tokenkeeper.cache.TokenCache;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for HTTP service clients ({@code @HttpExchange} interfaces in {@code @ImportHttpServices}
 * groups): Spring Security's {@link ClientRegistrationIdProcessor} turns
 * {@code @ClientRegistrationId("candid")} into the request attribute TokenKeeper reads, in
 * WebClient and RestClient groups alike.
 * <p>
 * Only the processor is added. The groups' clients already carry TokenKeeper's filter or
 * interceptor: Spring Boot applies every {@code WebClientCustomizer} and
 * {@code RestClientCustomizer} to them, so groups under a registration's {@code base-urls}
 * get tokens by URL without an annotation.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class)
@ConditionalOnClass({ HttpServiceGroupConfigurer.class, ClientRegistrationIdProcessor.class })
@ConditionalOnBean(TokenCache.class)
public final class TokenKeeperHttpServiceClientAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientHttpServiceGroupConfigurer.class)
	static class RestClientGroupsConfiguration {

		@Bean
		RestClientHttpServiceGroupConfigurer tokenKeeperRestClientHttpServiceGroupConfigurer() {
			return (groups) -> groups.forEachProxyFactory((group, factory) -> factory
				.httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebClientHttpServiceGroupConfigurer.class)
	static class WebClientGroupsConfiguration {

		@Bean
		WebClientHttpServiceGroupConfigurer tokenKeeperWebClientHttpServiceGroupConfigurer() {
			return (groups) -> groups.forEachProxyFactory((group, factory) -> factory
				.httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE));
		}

	}

}
