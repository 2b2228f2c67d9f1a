package dev.tokenkeeper.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import dev.tokenkeeper.cache.BlockingTokens;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.routing.ClientLookups;
import dev.tokenkeeper.web.TokenKeeperClientHttpRequestInterceptor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that puts TokenKeeper's interceptor on every {@code RestClient} built from Spring Boot's
 * {@code RestClient.Builder} ({@code spring-boot-restclient}, optional), and offers it as a
 * bean for clients built another way.
 *
 * @author TokenKeeper
 */
@AutoConfiguration(after = TokenKeeperAutoConfiguration.class,
		beforeName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass(RestClient.class)
@ConditionalOnBean(TokenCache.class)
public final class TokenKeeperRestClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TokenKeeperClientHttpRequestInterceptor tokenKeeperClientHttpRequestInterceptor(TokenCache tokens,
			TokenKeeperRegistrations registrations, TokenKeeperProperties properties,
			UserClientRegistrations userRegistrations, ObjectProvider<RuntimeClients> clients) {
		return new TokenKeeperClientHttpRequestInterceptor(
				new BlockingTokens(tokens, TokenWaitTimeout.of(registrations, properties)), registrations.router(),
				properties.getReplay().getUnauthorizedCoolDown(), userRegistrations::contains,
				(clients.getIfAvailable() != null) ? clients.getIfAvailable() : ClientLookups.NONE);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientCustomizer.class)
	static class RestClientCustomizerConfiguration {

		@Bean
		RestClientCustomizer tokenKeeperRestClientCustomizer(TokenKeeperClientHttpRequestInterceptor interceptor) {
			return (builder) -> builder.requestInterceptors((interceptors) -> {
				if (!interceptors.contains(interceptor)) {
					interceptors.add(interceptor);
				}
			});
		}

	}

}
