package dev.tokenkeeper.benchmarks.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StubTokensTests {

	@Test
	void decodeWhenEncodedThenSequenceAndExpiry() {
		StubTokens.Issued issued = StubTokens.decode(StubTokens.encode(7, 1735689660000L));

		assertThat(issued).isEqualTo(new StubTokens.Issued(7, 1735689660000L));
	}

	@Test
	void decodeWhenNotIssuedByTheStubThenNull() {
		assertThat(StubTokens.decode("static")).isNull();
		assertThat(StubTokens.decode("tk-7")).isNull();
		assertThat(StubTokens.decode("tk-x-1")).isNull();
	}

}
