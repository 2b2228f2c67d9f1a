package dev.tokenkeeper.benchmarks.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full run rewrites the measures it makes and keeps the sections written per issue.
 */
class ResultsReportTests {

	@Test
	void keptSectionsWhenEarlierResultsHaveSectionsPerIssueThenOnlyThoseAreKept() {
		String previous = """
				# TokenKeeper benchmarks: results

				| table |

				## Machine and command

				old machine

				## 1. Cached token acquisition (JMH)

				old figures

				## Fleet at scale (issue 14)

				### Steady state

				0 commands

				## 6. A 401 storm

				old storm

				## DPoP (issue 15)

				ratio
				""";

		assertThat(ResultsReport.keptSections(previous))
			.isEqualTo("\n## Fleet at scale (issue 14)\n\n### Steady state\n\n0 commands\n\n## DPoP (issue 15)\n\nratio\n");
	}

	@Test
	void keptSectionsWhenNoEarlierResultsThenNothing() {
		assertThat(ResultsReport.keptSections("")).isEmpty();
	}

}
