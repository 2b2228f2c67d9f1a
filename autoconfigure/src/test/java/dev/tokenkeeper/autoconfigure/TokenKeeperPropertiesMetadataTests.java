package dev.tokenkeeper.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;

import dev.tokenkeeper.token.ProviderProfile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the build writes to
 * {@code target/classes/META-INF/spring-configuration-metadata.json}, which IDEs read for
 * completion and documentation: every {@code tokenkeeper.*} property is described, including
 * each {@code tokenkeeper.clients.<id>.*} property (Boot's annotation processor does not descend
 * into map values, so those come from {@code additional-spring-configuration-metadata.json}
 * under the name {@code tokenkeeper.clients.*.…}), and the README's property table lists
 * exactly the properties the metadata has.
 */
class TokenKeeperPropertiesMetadataTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CLIENTS = "tokenkeeper.clients.*.";

	private static final String ADDITIONAL_METADATA = "autoconfigure/src/main/resources/META-INF/additional-spring-configuration-metadata.json";

	/** A README row's first cell: `name` or `name`, `.sibling`, …. */
	private static final Pattern README_ROW = Pattern.compile("^\\| ((?:`[^`]+`(?:, )?)+) \\|");

	private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

	@Test
	void metadataWhenGeneratedThenEveryTokenKeeperPropertyHasADescription() throws IOException {
		Map<String, JsonNode> properties = tokenKeeperProperties();
		assertThat(properties).containsKeys("tokenkeeper.enabled", "tokenkeeper.clients", "tokenkeeper.store.type",
				"tokenkeeper.store.redis.encryption-key", "tokenkeeper.store.redis.allow-plaintext",
				"tokenkeeper.token-request.connect-timeout", "tokenkeeper.token-request.response-timeout",
				"tokenkeeper.token-request.max-response-size", "tokenkeeper.retry.max-attempts",
				"tokenkeeper.clients.*.token-uri", "tokenkeeper.clients.*.proxy.password");
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
		assertThat(properties.get("tokenkeeper.clients.*.profile").path("defaultValue").asString())
			.isEqualTo("basic-form");
		assertThat(properties.get("tokenkeeper.clients.*.expiry-skew").path("defaultValue").asString())
			.isEqualTo("60s");
	}

	@Test
	void metadataWhenGeneratedThenEveryClientPropertyInCodeHasAnEntry() throws IOException {
		Set<String> inCode = clientProperties(TokenKeeperProperties.Client.class, CLIENTS);
		Set<String> inMetadata = tokenKeeperProperties().keySet()
			.stream()
			.filter((name) -> name.startsWith(CLIENTS))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(difference(inCode, inMetadata))
			.as("TokenKeeperProperties.Client binds these, but %s has no entry for them", ADDITIONAL_METADATA)
			.isEmpty();
		assertThat(difference(inMetadata, inCode))
			.as("%s describes these, but TokenKeeperProperties.Client has no such property", ADDITIONAL_METADATA)
			.isEmpty();
	}

	@Test
	void metadataWhenGeneratedThenEveryReadmePropertyHasAnEntryAndViceVersa() throws Exception {
		Set<String> inReadme = readmeProperties();
		Map<String, JsonNode> properties = tokenKeeperProperties();
		// a map of objects (tokenkeeper.clients) is described by its entries' properties
		Set<String> inMetadata = properties.keySet()
			.stream()
			.filter((name) -> properties.keySet().stream().noneMatch((other) -> other.startsWith(name + ".*.")))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(difference(inReadme, inMetadata))
			.as("README.md's Properties table lists these, but META-INF/spring-configuration-metadata.json has no "
					+ "entry for them (a @ConfigurationProperties field, or %s)", ADDITIONAL_METADATA)
			.isEmpty();
		assertThat(difference(inMetadata, inReadme))
			.as("META-INF/spring-configuration-metadata.json has these, but README.md's Properties table has no row "
					+ "for them")
			.isEmpty();
	}

	@Test
	void metadataWhenGeneratedThenValueHintsCoverEveryProfile() throws IOException {
		Map<String, Set<String>> hints = hints();
		assertThat(hints).containsKeys(CLIENTS + "profile", CLIENTS + "client-authentication",
				CLIENTS + "dpop.algorithm");
		Set<String> profiles = Arrays.stream(ProviderProfile.values())
			.map(ProviderProfile::configName)
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(difference(profiles, hints.get(CLIENTS + "profile")))
			.as("profiles without a value hint for %sprofile in %s", CLIENTS, ADDITIONAL_METADATA)
			.isEmpty();
		assertThat(hints.get(CLIENTS + "client-authentication")).containsExactly("client-secret-basic",
				"client-secret-post", "client-secret-jwt", "private-key-jwt", "tls-client-auth",
				"self-signed-tls-client-auth");
		assertThat(hints.get(CLIENTS + "dpop.algorithm")).containsExactly("ES256", "ES384", "RS256", "PS256",
				"EdDSA");
	}

	/**
	 * The names Boot's binder accepts under {@code prefix} for a properties type: one per
	 * bean property, descending into TokenKeeper's own nested property classes.
	 */
	private static Set<String> clientProperties(Class<?> type, String prefix) {
		Set<String> names = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = prefix + kebabCase(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (propertyType.getEnclosingClass() == TokenKeeperProperties.class && !propertyType.isEnum()) {
				names.addAll(clientProperties(propertyType, name + "."));
			}
			else if (descriptor.getWriteMethod() != null) {
				names.add(name);
			}
		}
		return names;
	}

	private static String kebabCase(String camelCase) {
		return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}

	/**
	 * The first cell of each row of README.md's Properties table, as full property names.
	 * {@code `clients.<id>.proxy.host`, `.port`} names {@code tokenkeeper.clients.*.proxy.host}
	 * and {@code tokenkeeper.clients.*.proxy.port}.
	 */
	private static Set<String> readmeProperties() throws IOException, URISyntaxException {
		List<String> lines = Files.readAllLines(projectRoot().resolve("README.md"));
		int start = lines.indexOf("## Properties");
		assertThat(start).as("README.md has a '## Properties' section").isNotNegative();
		Set<String> names = new TreeSet<>();
		for (String line : lines.subList(start + 1, lines.size())) {
			if (line.startsWith("## ")) {
				break;
			}
			Matcher row = README_ROW.matcher(line);
			if (!row.find()) {
				continue;
			}
			String previous = null;
			Matcher name = BACKTICKED.matcher(row.group(1));
			while (name.find()) {
				String current = name.group(1);
				if (current.startsWith(".")) {
					assertThat(previous).as("'%s' in README.md continues a name", current).isNotNull();
					current = previous.substring(0, previous.lastIndexOf('.')) + current;
				}
				names.add("tokenkeeper." + current.replace("<id>", "*"));
				previous = current;
			}
		}
		assertThat(names).as("properties in README.md's table").isNotEmpty();
		return names;
	}

	private static Map<String, JsonNode> tokenKeeperProperties() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		for (JsonNode property : generatedMetadata().path("properties")) {
			String name = property.path("name").asString("");
			if (name.startsWith("tokenkeeper.")) {
				properties.put(name, property);
			}
		}
		return properties;
	}

	private static Map<String, Set<String>> hints() throws IOException {
		Map<String, Set<String>> hints = new LinkedHashMap<>();
		for (JsonNode hint : generatedMetadata().path("hints")) {
			Set<String> values = new LinkedHashSet<>();
			hint.path("values").forEach((value) -> values.add(value.path("value").asString()));
			hints.put(hint.path("name").asString(), values);
		}
		return hints;
	}

	/**
	 * The file the build wrote for this module, not whichever copy the class path finds first.
	 */
	private static JsonNode generatedMetadata() throws IOException {
		try {
			Path classes = Path.of(TokenKeeperProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return JSON.readTree(Files.readString(classes.resolve("META-INF/spring-configuration-metadata.json")));
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The reactor root: autoconfigure/target/classes is three levels below it. */
	private static Path projectRoot() throws URISyntaxException {
		Path classes = Path.of(TokenKeeperProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		return classes.getParent().getParent().getParent();
	}

	private static List<String> difference(Set<String> left, Set<String> right) {
		List<String> missing = new ArrayList<>(left);
		missing.removeAll(right);
		return missing;
	}

}
