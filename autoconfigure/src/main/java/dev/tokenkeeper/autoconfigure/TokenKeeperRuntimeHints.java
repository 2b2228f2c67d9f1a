package dev.tokenkeeper.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

import dev.tokenkeeper.autoconfigure.SpringClientRegistrationsImporter.SpringRegistration;

/**
 * Hints for what TokenKeeper reaches by reflection outside a bean's own type, which AOT
 * processing cannot see: the {@code spring.security.oauth2.client.registration.*} entries the
 * importer binds itself with Boot's {@code Binder}. Registered in
 * {@code META-INF/spring/aot.factories}.
 * <p>
 * {@link TokenKeeperProperties} (with its map of clients) needs none here: Boot registers
 * binding hints for every {@code @ConfigurationProperties} bean, and for the actuator
 * endpoint's response types.
 *
 * @author TokenKeeper
 */
class TokenKeeperRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(SpringRegistration.class).registerHints(hints, classLoader);
	}

}
