package dev.tokenkeeper.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * TokenKeeper's configuration is invalid. Each problem names the exact property and never
 * its value, so no secret reaches a start-up report.
 *
 * @author TokenKeeper
 */
public class InvalidTokenKeeperConfigurationException extends RuntimeException {

	private final List<Problem> problems;

	InvalidTokenKeeperConfigurationException(List<Problem> problems) {
		super("Invalid TokenKeeper configuration: " + problems.stream()
			.map((problem) -> problem.property() + " " + problem.reason())
			.collect(Collectors.joining("; ")));
		this.problems = List.copyOf(problems);
	}

	/**
	 * The problems found, in configuration order.
	 * @return the problems
	 */
	public List<Problem> getProblems() {
		return this.problems;
	}

	/**
	 * One invalid property.
	 *
	 * @param property the full property name, e.g.
	 * {@code tokenkeeper.clients.betterpt.client-secret}
	 * @param reason what is wrong, e.g. {@code must be set}
	 */
	public record Problem(String property, String reason) {

	}

}
