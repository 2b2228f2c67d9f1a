package dev.tokenkeeper.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Decides which registration's token, if any, an outgoing request gets. A token goes only
 * where configuration or code names its registration: under its {@code base-urls}, or, for a
 * registration without base URLs, on requests that name it. A non-loopback {@code http} URL
 * never gets one.
 *
 * @author TokenKeeper
 */
public final class TokenRouter {

	private final List<BaseUrl> baseUrls;

	private final Set<String> registrationsWithBaseUrls;

	private final Set<String> registrationIds;

	/**
	 * Create a router.
	 * @param registrationIds every registration id
	 * @param baseUrls every configured base URL
	 */
	public TokenRouter(Collection<String> registrationIds, Collection<BaseUrl> baseUrls) {
		List<BaseUrl> sorted = new ArrayList<>(baseUrls);
		// longest path first: the first match is the longest
		sorted.sort(Comparator.comparingInt(BaseUrl::pathLength).reversed());
		this.baseUrls = List.copyOf(sorted);
		Set<String> withBaseUrls = new HashSet<>();
		baseUrls.forEach((baseUrl) -> withBaseUrls.add(baseUrl.registrationId()));
		this.registrationsWithBaseUrls = Set.copyOf(withBaseUrls);
		this.registrationIds = Set.copyOf(registrationIds);
	}

	/**
	 * The registration for a request.
	 * @param url the request URL
	 * @param namedRegistrationId the registration the request names by attribute, or {@code null}
	 * @return the registration id, or {@code null} to send the request untouched
	 * @throws TokenRoutingException when the request names an unknown registration, or one
	 * whose base URLs do not cover the URL, or asks for a token over plain http
	 */
	public @Nullable String route(URI url, @Nullable String namedRegistrationId) {
		if (namedRegistrationId == null) {
			return match(url);
		}
		if (!this.registrationIds.contains(namedRegistrationId)) {
			throw new TokenRoutingException("The request names TokenKeeper registration '" + namedRegistrationId
					+ "', which is not configured (tokenkeeper.clients." + namedRegistrationId + ")");
		}
		if (this.registrationsWithBaseUrls.contains(namedRegistrationId)) {
			if (!namedRegistrationId.equals(matchAny(url, namedRegistrationId))) {
				throw new TokenRoutingException("The request to " + describe(url) + " names TokenKeeper registration '"
						+ namedRegistrationId + "', whose base-urls do not cover it (tokenkeeper.clients."
						+ namedRegistrationId + ".base-urls)");
			}
			return namedRegistrationId;
		}
		if (!Loopback.isSecure(url)) {
			throw new TokenRoutingException("The request to " + describe(url) + " names TokenKeeper registration '"
					+ namedRegistrationId + "', but tokens are only sent over https (or http to loopback)");
		}
		return namedRegistrationId;
	}

	/**
	 * Whether a registration id is configured.
	 * @param registrationId the id
	 * @return whether it is known
	 */
	public boolean isKnown(String registrationId) {
		return this.registrationIds.contains(registrationId);
	}

	private @Nullable String match(URI url) {
		for (BaseUrl baseUrl : this.baseUrls) {
			if (baseUrl.matches(url)) {
				return baseUrl.registrationId();
			}
		}
		return null;
	}

	private @Nullable String matchAny(URI url, String registrationId) {
		for (BaseUrl baseUrl : this.baseUrls) {
			if (baseUrl.registrationId().equals(registrationId) && baseUrl.matches(url)) {
				return registrationId;
			}
		}
		return null;
	}

	/** Scheme, host, port and path: never user-info or a query that may hold secrets. */
	static String describe(URI url) {
		StringBuilder text = new StringBuilder();
		text.append(url.getScheme()).append("://").append(url.getHost());
		if (url.getPort() != -1) {
			text.append(':').append(url.getPort());
		}
		if (url.getRawPath() != null) {
			text.append(url.getRawPath());
		}
		return text.toString();
	}

}
