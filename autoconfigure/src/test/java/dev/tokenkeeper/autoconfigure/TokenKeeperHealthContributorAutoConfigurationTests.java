package dev.tokenkeeper.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.tokenkeeper.actuate.TokenKeeperHealthContributor;
import dev.tokenkeeper.cache.TokenCache;

import static org.assertj.core.api.Assertions.assertThat;

class TokenKeeperHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class,
				TokenKeeperAutoConfiguration.class, TokenKeeperHealthContributorAutoConfiguration.class))
		.withPropertyValues("tokenkeeper.clients.partner.token-uri=https://auth.example.com/oauth/token",
				"tokenkeeper.clients.partner.client-id=client", "tokenkeeper.clients.partner.client-secret=secret",
				"tokenkeeper.clients.candid.profile=candid-json",
				"tokenkeeper.clients.candid.token-uri=https://api.example.com/api/auth/v2/token",
				"tokenkeeper.clients.candid.client-id=client", "tokenkeeper.clients.candid.client-secret=secret");

	@Test
	void healthWhenEnabledThenOneUnknownComponentPerRegistrationBeforeAnyRequest() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TokenKeeperHealthContributor.class)
				.hasBean("tokenkeeperHealthContributor");
			TokenKeeperHealthContributor contributor = context.getBean(TokenKeeperHealthContributor.class);
			assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactlyInAnyOrder("partner",
					"candid");
			Health health = ((HealthIndicator) contributor.getContributor("partner")).health();
			assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(health.getDetails()).containsEntry("state", "none");
			assertThat(contributor.getContributor("nobody")).isNull();
		});
	}

	@Test
	void healthWhenSwitchedOffThenBacksOff() {
		this.contextRunner.withPropertyValues("management.health.tokenkeeper.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(TokenCache.class)
				.doesNotHaveBean(TokenKeeperHealthContributor.class));
	}

	@Test
	void healthWhenDefaultsAreOffThenBacksOff() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TokenKeeperHealthContributor.class));
	}

	@Test
	void healthWhenDefaultsAreOffButTokenKeeperIsOnThenContributes() {
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.tokenkeeper.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(TokenKeeperHealthContributor.class));
	}

	@Test
	void healthWhenUserDefinesTheContributorThenBacksOff() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean("tokenkeeperHealthContributor", HealthIndicator.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean(TokenKeeperHealthContributor.class)
				.getBean("tokenkeeperHealthContributor")
				.isSameAs(own));
	}

	@Test
	void healthWhenSpringBootHealthIsNotOnTheClasspathThenBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(TokenCache.class)
				.doesNotHaveBean(TokenKeeperHealthContributor.class));
	}

}
