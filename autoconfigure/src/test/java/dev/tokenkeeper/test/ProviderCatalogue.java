package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider responses of {@code /shared/providers/catalogue.json}, copied to the test
 * classpath as {@code providers/catalogue.json} (public documentation data).
 */
public final class ProviderCatalogue {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNode ROOT = load();

	private ProviderCatalogue() {
	}

	/**
	 * A documented response of one provider profile.
	 * @param profile e.g. {@code auth0}
	 * @param name e.g. {@code wrong_secret}
	 * @return the response
	 */
	public static Response response(String profile, String name) {
		JsonNode node = ROOT.path(profile).path("responses").path(name);
		if (!node.isObject()) {
			throw new IllegalArgumentException("No response " + profile + "/" + name + " in the catalogue");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		node.path("headers").forEachEntry((header, value) -> headers.put(header, value.asString()));
		return new Response(profile + "/" + name, node.path("status").asInt(), headers, body(node.get("body")));
	}

	/**
	 * A 200 response body seen in the wild, from {@code quirks_seen_in_the_wild}.
	 * @param name e.g. {@code expires_in_as_string}
	 * @return the body, exactly as catalogued
	 */
	public static String quirk(String name) {
		JsonNode node = ROOT.path("quirks_seen_in_the_wild").get(name);
		if (node == null) {
			throw new IllegalArgumentException("No quirk " + name + " in the catalogue");
		}
		return body(node);
	}

	/**
	 * Every catalogued response: {@code profile/name} of each provider response and
	 * {@code quirks_seen_in_the_wild/name} of each quirk.
	 * @return the keys
	 */
	public static List<String> keys() {
		List<String> keys = new ArrayList<>();
		ROOT.forEachEntry((section, node) -> {
			if (section.equals("quirks_seen_in_the_wild")) {
				node.propertyNames().forEach((name) -> keys.add(section + "/" + name));
			}
			else {
				node.path("responses").propertyNames().forEach((name) -> keys.add(section + "/" + name));
			}
		});
		return keys;
	}

	private static String body(JsonNode body) {
		return body.isString() ? body.asString() : JSON.writeValueAsString(body);
	}

	private static JsonNode load() {
		try (InputStream in = ProviderCatalogue.class.getResourceAsStream("/providers/catalogue.json")) {
			if (in == null) {
				throw new IllegalStateException("providers/catalogue.json is not on the test classpath");
			}
			return JSON.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One catalogued response.
	 *
	 * @param key {@code profile/name}
	 * @param status the HTTP status
	 * @param headers the documented headers (placeholders such as {@code <unix seconds>} as is)
	 * @param body the body
	 */
	public record Response(String key, int status, Map<String, String> headers, String body) {

		public Response withHeader(String name, String value) {
			Map<String, String> headers = new LinkedHashMap<>(this.headers);
			headers.put(name, value);
			return new Response(this.key, this.status, headers, this.body);
		}

	}

}
