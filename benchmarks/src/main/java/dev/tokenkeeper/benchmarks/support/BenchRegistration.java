package dev.tokenkeeper.benchmarks.support;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One client-credentials registration, configured alike on both sides.
 *
 * @param id the registration id
 * @param tokenUri the token endpoint
 * @param baseUrl the API it serves
 */
public record BenchRegistration(String id, URI tokenUri, String baseUrl) {

	/**
	 * {@code count} registrations against one token endpoint; registration {@code i} serves
	 * {@code <apiBaseUrl>/<id>}.
	 * @param count how many
	 * @param tokenUri the token endpoint
	 * @param apiBaseUrl the API
	 * @return the registrations, ids {@code client-00000} on
	 */
	public static List<BenchRegistration> many(int count, URI tokenUri, String apiBaseUrl) {
		List<BenchRegistration> registrations = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String id = String.format("client-%05d", i);
			registrations.add(new BenchRegistration(id, tokenUri, apiBaseUrl + "/" + id));
		}
		return registrations;
	}

}
