package dev.tokenkeeper.test;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * {@code spring.autoconfigure.exclude} values for apps started with
 * {@code @EnableAutoConfiguration} on the test classpath, which holds far more than a user's
 * application would (servlet and reactive servers, Spring Security, an authorization server).
 * Auto-configuration ordering and conditions stay Boot's own; only the candidate list shrinks.
 */
public final class AutoConfigurationSelection {

	/** The property the selections are values of. */
	public static final String EXCLUDE_PROPERTY = "spring.autoconfigure.exclude";

	private static final String TOKENKEEPER_PACKAGE = "dev.tokenkeeper.";

	private AutoConfigurationSelection() {
	}

	/**
	 * Exclude every candidate but TokenKeeper's own auto-configurations and the given ones.
	 * @param kept Boot's auto-configurations the app needs
	 * @return a value for {@value #EXCLUDE_PROPERTY}
	 */
	public static String tokenKeeperAnd(Class<?>... kept) {
		Set<String> keep = Arrays.stream(kept).map(Class::getName).collect(Collectors.toSet());
		return exclude((candidate) -> !candidate.startsWith(TOKENKEEPER_PACKAGE) && !keep.contains(candidate));
	}

	/**
	 * Exclude the candidates that match.
	 * @param excluded which candidates to exclude
	 * @return a value for {@value #EXCLUDE_PROPERTY}
	 */
	public static String exclude(Predicate<String> excluded) {
		ImportCandidates candidates = ImportCandidates.load(AutoConfiguration.class,
				AutoConfigurationSelection.class.getClassLoader());
		return candidates.getCandidates()
			.stream()
			.filter(excluded)
			.collect(Collectors.joining(","));
	}

}
