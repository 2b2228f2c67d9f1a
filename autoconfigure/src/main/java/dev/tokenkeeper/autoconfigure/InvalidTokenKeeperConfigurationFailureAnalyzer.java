package dev.tokenkeeper.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports invalid TokenKeeper configuration: every offending property by its exact name,
 * what is wrong with it, and never its value.
 *
 * @author TokenKeeper
 */
class InvalidTokenKeeperConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidTokenKeeperConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidTokenKeeperConfigurationException cause) {
		StringBuilder description = new StringBuilder("TokenKeeper's configuration is invalid:\n");
		StringBuilder action = new StringBuilder("Update your application's configuration:\n");
		cause.getProblems().forEach((problem) -> {
			description.append("\n    Property: ").append(problem.property())
				.append("\n    Reason: ").append(problem.reason()).append('\n');
			action.append("\n    - fix ").append(problem.property());
		});
		action.append("\n\nSee the README's property table; set tokenkeeper.enabled=false to turn TokenKeeper off.");
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
