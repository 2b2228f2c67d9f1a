package dev.tokenkeeper.web;

import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.web.ClientAttributes;

/**
 * Request attributes that steer TokenKeeper, for {@code WebClient…attributes(…)} and
 * {@code RestClient…attributes(…)}:
 * <pre class="code">
 * webClient.get().uri("https://api.example.com/claims")
 *     .attributes(TokenKeeperAttributes.client("candid"))
 *     .retrieve()…
 * </pre>
 *
 * @author TokenKeeper
 */
public final class TokenKeeperAttributes {

	/** The attribute naming the registration whose token the request gets. */
	public static final String CLIENT = TokenKeeperAttributes.class.getName() + ".client";

	/** The attribute that, when {@code false}, stops a 401 from being replayed. */
	public static final String REPLAY = TokenKeeperAttributes.class.getName() + ".replay";

	private TokenKeeperAttributes() {
	}

	/**
	 * Send this request with the token of the given registration.
	 * @param registrationId the registration id ({@code tokenkeeper.clients.<id>})
	 * @return a consumer for {@code attributes(…)}
	 */
	public static Consumer<Map<String, Object>> client(String registrationId) {
		return (attributes) -> attributes.put(CLIENT, registrationId);
	}

	/**
	 * Do not replay this request after a 401: for bodies that can be written only once,
	 * such as a {@code Flux} read from a stream. The 401 then reaches the caller (the
	 * rejected token is still dropped).
	 * @return a consumer for {@code attributes(…)}
	 */
	public static Consumer<Map<String, Object>> noReplay() {
		return (attributes) -> attributes.put(REPLAY, Boolean.FALSE);
	}

	/** The registration a request names: ours first, then Spring Security's attribute. */
	static @Nullable String namedRegistration(Map<String, Object> attributes) {
		Object ours = attributes.get(CLIENT);
		if (ours != null) {
			return ours.toString();
		}
		return ClientAttributes.resolveClientRegistrationId(attributes);
	}

	static boolean isOurs(Map<String, Object> attributes) {
		return attributes.containsKey(CLIENT);
	}

	static boolean isReplayable(Map<String, Object> attributes) {
		return !Boolean.FALSE.equals(attributes.get(REPLAY));
	}

}
