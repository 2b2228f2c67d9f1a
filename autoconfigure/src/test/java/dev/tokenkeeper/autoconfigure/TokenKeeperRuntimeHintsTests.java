package dev.tokenkeeper.autoconfigure;

import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.tokenkeeper.autoconfigure.SpringClientRegistrationsImporter.SpringRegistration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image or an AOT-processed app needs for what TokenKeeper binds itself.
 */
class TokenKeeperRuntimeHintsTests {

	@Test
	void aotFactoriesWhenLoadedThenListTokenKeeperRuntimeHints() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(TokenKeeperRuntimeHints.class);
	}

	@Test
	void registerHintsWhenAppliedThenSpringRegistrationCanBeBoundByConstructor() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new TokenKeeperRuntimeHints().registerHints(hints, getClass().getClassLoader());
		// the Binder creates the record through its canonical constructor
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(SpringRegistration.class.getDeclaredConstructor(String.class, String.class,
					String.class, String.class, Set.class, String.class))).accepts(hints);
	}

}
