package dev.tokenkeeper.store;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenkeeper.token.ClientCredentials;
import dev.tokenkeeper.token.ProviderProfile;

import static org.assertj.core.api.Assertions.assertThat;

class SharedTokenKeyTests {

	@Test
	void ofWhenOnlyTheSecretOrScopeOrderDiffersThenSameKey() {
		SharedTokenKey key = SharedTokenKey.of(credentials("secret-1", "https://api", List.of("a", "b"),
				Map.of("organization", "org_1", "tenant", "t")));
		SharedTokenKey same = SharedTokenKey.of(credentials("secret-2", "https://api", List.of("b", "a"),
				Map.of("tenant", "t", "organization", "org_1")));
		assertThat(same).isEqualTo(key);
		assertThat(key.token()).matches("tokenkeeper:token:[0-9a-f]{64}");
		assertThat(key.lock()).isEqualTo("tokenkeeper:lock:" + key.token().substring("tokenkeeper:token:".length()));
	}

	@Test
	void ofWhenWhatTheTokenIsMintedForDiffersThenDifferentKeys() {
		SharedTokenKey key = SharedTokenKey.of(credentials("secret", "https://api", List.of("a"), Map.of()));
		assertThat(SharedTokenKey.of(credentials("secret", "https://other", List.of("a"), Map.of()))).isNotEqualTo(key);
		assertThat(SharedTokenKey.of(credentials("secret", null, List.of("a"), Map.of()))).isNotEqualTo(key);
		assertThat(SharedTokenKey.of(credentials("secret", "https://api", List.of("a", "b"), Map.of())))
			.isNotEqualTo(key);
		assertThat(SharedTokenKey.of(credentials("secret", "https://api", List.of("a"), Map.of("org", "1"))))
			.isNotEqualTo(key);
		assertThat(SharedTokenKey.of(new ClientCredentials("partner", ProviderProfile.POST_FORM,
				URI.create("https://auth.example.com/token"), "client", "secret", "https://api", List.of("a"),
				Map.of())))
			.isNotEqualTo(key);
		assertThat(SharedTokenKey.of(new ClientCredentials("partner", ProviderProfile.BASIC_FORM,
				URI.create("https://auth.example.com/token"), "other-client", "secret", "https://api", List.of("a"),
				Map.of())))
			.isNotEqualTo(key);
	}

	@Test
	void ofWhenFieldsWouldConcatenateAlikeThenDifferentKeys() {
		assertThat(SharedTokenKey.of(credentials("secret", null, List.of("ab"), Map.of())))
			.isNotEqualTo(SharedTokenKey.of(credentials("secret", null, List.of("a", "b"), Map.of())));
	}

	private static ClientCredentials credentials(String secret, String audience, List<String> scopes,
			Map<String, String> extras) {
		return new ClientCredentials("partner", ProviderProfile.BASIC_FORM, URI.create("https://auth.example.com/token"),
				"client", secret, audience, scopes, extras);
	}

}
