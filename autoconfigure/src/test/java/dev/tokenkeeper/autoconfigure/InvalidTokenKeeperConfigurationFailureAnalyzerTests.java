package dev.tokenkeeper.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidTokenKeeperConfigurationFailureAnalyzerTests {

	private final InvalidTokenKeeperConfigurationFailureAnalyzer analyzer = new InvalidTokenKeeperConfigurationFailureAnalyzer();

	@Test
	void analyzeWhenInvalidConfigurationIsTheCauseThenDescriptionAndActionNameEveryProperty() {
		InvalidTokenKeeperConfigurationException invalid = new InvalidTokenKeeperConfigurationException(
				List.of(new Problem("tokenkeeper.clients.betterpt.client-secret", "must be set"),
						new Problem("tokenkeeper.clients.candid.scopes", "are not sent by profile candid-json")));
		FailureAnalysis analysis = this.analyzer
			.analyze(new BeanCreationException("tokenKeeperRegistrations", "Failed to instantiate", invalid));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getCause()).isSameAs(invalid);
		assertThat(analysis.getDescription()).startsWith("TokenKeeper's configuration is invalid")
			.contains("Property: tokenkeeper.clients.betterpt.client-secret\n    Reason: must be set")
			.contains("Property: tokenkeeper.clients.candid.scopes\n    Reason: are not sent by profile candid-json");
		assertThat(analysis.getAction()).contains("tokenkeeper.clients.betterpt.client-secret")
			.contains("tokenkeeper.clients.candid.scopes")
			.contains("tokenkeeper.enabled=false");
	}

	@Test
	void analyzeWhenAnotherFailureThenNoAnalysis() {
		assertThat(this.analyzer.analyze(new IllegalStateException("unrelated"))).isNull();
	}

	@Test
	void messageWhenProblemsThenNamesPropertiesAndReasons() {
		InvalidTokenKeeperConfigurationException invalid = new InvalidTokenKeeperConfigurationException(
				List.of(new Problem("tokenkeeper.clients.betterpt.audience", "must be set for profile auth0")));
		assertThat(invalid.getMessage()).isEqualTo(
				"Invalid TokenKeeper configuration: tokenkeeper.clients.betterpt.audience must be set for profile auth0");
	}

	@Test
	void springFactoriesWhenLoadedThenTheAnalyzerIsRegistered() {
		// Boot's own analyzers need constructor arguments this test does not give: skip them
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}));
		assertThat(analyzers).hasAtLeastOneElementOfType(InvalidTokenKeeperConfigurationFailureAnalyzer.class);
	}

}
