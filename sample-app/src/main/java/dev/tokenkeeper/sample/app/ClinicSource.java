package dev.tokenkeeper.sample.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.tokenkeeper.client.TokenKeeperClientSource;

/**
 * Clinics whose credentials live in a database, not in YAML: TokenKeeper asks this source
 * for a clinic the first time a request names it ({@code TokenKeeperAttributes.client(id)}),
 * registers what it answers and keeps it; a clinic the table does not have is "unknown". This
 * is what an integrator writes; the count of look-ups is the sample's, for its report.
 */
class ClinicSource implements TokenKeeperClientSource {

	private final JdbcClient jdbc;

	private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

	ClinicSource(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public @Nullable Map<String, ?> lookup(String id) {
		this.lookups.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		return this.jdbc
			.sql("select token_uri, client_id, client_secret, base_url from clinic_client where id = ?")
			.param(id)
			.query((row, n) -> Map.of("profile", "post-form", "token-uri", row.getString("token_uri"), "client-id",
					row.getString("client_id"), "client-secret", row.getString("client_secret"), "scopes",
					"partner.read", "base-urls", row.getString("base_url"), "group", "clinics"))
			.optional()
			.orElse(null);
	}

	/** How many times TokenKeeper asked for a clinic. */
	int lookups(String id) {
		AtomicInteger count = this.lookups.get(id);
		return (count != null) ? count.get() : 0;
	}

}
