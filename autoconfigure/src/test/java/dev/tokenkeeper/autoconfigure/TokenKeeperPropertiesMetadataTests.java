package dev.tokenkeeper.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the annotation processor writes, which IDEs read for
 * completion and documentation: every {@code tokenkeeper.*} property is described.
 */
class TokenKeeperPropertiesMetadataTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void metadataWhenGeneratedThenEveryTokenKeeperPropertyHasADescription() throws IOException {
		Map<String, JsonNode> properties = tokenKeeperProperties();
		assertThat(properties).containsKeys("tokenkeeper.enabled", "tokenkeeper.clients", "tokenkeeper.store.type",
				"tokenkeeper.store.redis.encryption-key", "tokenkeeper.store.redis.allow-plaintext",
				"tokenkeeper.token-request.connect-timeout", "tokenkeeper.token-request.response-timeout",
				"tokenkeeper.token-request.max-response-size", "tokenkeeper.retry.max-attempts");
		assertThat(properties).allSatisfy((name, property) -> assertThat(property.path("description").asString(""))
			.as("description of %s", name)
			.isNotBlank());
	}

	@Test
	void metadataWhenGeneratedThenDocumentedDefaultsAreThere() throws IOException {
		Map<String, JsonNode> properties = tokenKeeperProperties();
		assertThat(properties.get("tokenkeeper.enabled").path("defaultValue").asBoolean()).isTrue();
		assertThat(properties.get("tokenkeeper.store.type").path("defaultValue").asString()).isEqualTo("memory");
		assertThat(properties.get("tokenkeeper.store.redis.allow-plaintext").path("defaultValue").asBoolean())
			.isFalse();
	}

	private static Map<String, JsonNode> tokenKeeperProperties() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		ClassLoader classLoader = TokenKeeperPropertiesMetadataTests.class.getClassLoader();
		for (URL url : Collections.list(classLoader.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : JSON.readTree(in).path("properties")) {
					String name = property.path("name").asString("");
					if (name.startsWith("tokenkeeper.")) {
						properties.put(name, property);
					}
				}
			}
		}
		return properties;
	}

}
