package dev.tokenkeeper.sample.app;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one {@code GET /demo} did.
 *
 * @param calls API calls made
 * @param succeeded calls the partner API answered with 2xx
 * @param failed calls that failed
 * @param elapsedMillis wall-clock time of all calls together
 * @param clients the same, per TokenKeeper registration
 */
record DemoReport(int calls, int succeeded, int failed, long elapsedMillis, Map<String, Client> clients) {

	/**
	 * One registration's share of the demo.
	 *
	 * @param profile the TokenKeeper provider profile
	 * @param url the URL called
	 * @param calls API calls made
	 * @param succeeded calls answered with 2xx
	 * @param errors failed calls, by what went wrong
	 * @param tokenRequests token requests during this demo, counted where they arrive (the
	 * partner authorization server), or from TokenKeeper's metrics against real partners
	 * @param tokenRequestsSinceStart the same since start-up
	 * @param cacheHits calls served a cached token during this demo (from the
	 * {@code tokenkeeper.token.lookups} metric, when it is there)
	 * @param lookups all token lookups during this demo by {@code result}: {@code hit},
	 * {@code miss} (started the token request), {@code wait} (joined the one in flight), ...
	 * @param token the registration's token now
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Client(String profile, String url, int calls, int succeeded, Map<String, Integer> errors,
			Integer tokenRequests, Integer tokenRequestsSinceStart, Long cacheHits, Map<String, Long> lookups,
			Token token) {

	}

	/**
	 * A registration's cached token, from {@code TokenCache#status}: never the token itself.
	 *
	 * @param state {@code NONE}, {@code VALID}, {@code EXPIRED} or {@code FAILED}
	 * @param expiresAt when the cached token expires
	 * @param expiresInSeconds seconds until then
	 * @param lastRefresh when the last token arrived
	 * @param lastError the last token request failure, if any
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Token(String state, Instant expiresAt, Long expiresInSeconds, Instant lastRefresh, String lastError) {

	}

}
