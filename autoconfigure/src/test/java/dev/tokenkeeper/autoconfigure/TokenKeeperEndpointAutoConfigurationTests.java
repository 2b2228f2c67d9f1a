package dev.tokenkeeper.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.tokenkeeper.actuate.TokenKeeperEndpoint;
import dev.tokenkeeper.actuate.TokenKeeperEndpointWebExtension;
import dev.tokenkeeper.cache.TokenCache;

import static org.assertj.core.api.Assertions.assertThat;

class TokenKeeperEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class,
				TokenKeeperAutoConfiguration.class, TokenKeeperEndpointAutoConfiguration.class))
		.withPropertyValues("tokenkeeper.clients.partner.token-uri=https://auth.example.com/oauth/token",
				"tokenkeeper.clients.partner.client-id=client", "tokenkeeper.clients.partner.client-secret=secret");

	@Test
	void endpointWhenExposedOnTheWebThenEndpointAndWebExtension() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=tokenkeeper")
			.run((context) -> assertThat(context).hasSingleBean(TokenKeeperEndpoint.class)
				.hasSingleBean(TokenKeeperEndpointWebExtension.class));
	}

	@Test
	void endpointWhenExposedOverJmxOnlyThenNoWebExtension() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=tokenkeeper")
			.run((context) -> assertThat(context).hasSingleBean(TokenKeeperEndpoint.class)
				.doesNotHaveBean(TokenKeeperEndpointWebExtension.class));
	}

	@Test
	void endpointWhenNotExposedThenBacksOff() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TokenCache.class)
			.doesNotHaveBean(TokenKeeperEndpoint.class)
			.doesNotHaveBean(TokenKeeperEndpointWebExtension.class));
	}

	@Test
	void endpointWhenAccessIsNoneThenBacksOff() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=tokenkeeper",
					"management.endpoint.tokenkeeper.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(TokenKeeperEndpoint.class));
	}

	@Test
	void endpointWhenUserDefinesTheirOwnThenBacksOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=tokenkeeper")
			.withUserConfiguration(OwnEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(TokenKeeperEndpoint.class)
				.hasBean("myEndpoint")
				.doesNotHaveBean("tokenKeeperEndpoint"));
	}

	@Test
	void endpointWhenActuatorIsNotOnTheClasspathThenBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("management.endpoints.web.exposure.include=tokenkeeper")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(TokenCache.class)
				.doesNotHaveBean(TokenKeeperEndpoint.class));
	}

	@Test
	void endpointWhenTokenKeeperIsDisabledThenBacksOff() {
		this.contextRunner
			.withPropertyValues("tokenkeeper.enabled=false", "management.endpoints.web.exposure.include=tokenkeeper")
			.run((context) -> assertThat(context).doesNotHaveBean(TokenKeeperEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEndpointConfiguration {

		@Bean
		TokenKeeperEndpoint myEndpoint(TokenCache tokens, TokenKeeperProperties properties) {
			return new TokenKeeperEndpoint(tokens, properties);
		}

	}

}
