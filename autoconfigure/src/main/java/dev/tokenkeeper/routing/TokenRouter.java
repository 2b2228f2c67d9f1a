package dev.tokenkeeper.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

	/** By origin and path: a lookup per path segment instead of a scan over every base URL. */
	private final Map<String, BaseUrl> baseUrls;

	private final Map<String, List<BaseUrl>> baseUrlsByRegistration;

	private final Set<String> registrationIds;

	/**
	 * Create a router.
	 * @param registrationIds every registration id
	 * @param baseUrls every configured base URL
	 */
	public TokenRouter(Collection<String> registrationIds, Collection<BaseUrl> baseUrls) {
		Map<String, BaseUrl> byOriginAndPath = new HashMap<>();
		Map<String, List<BaseUrl>> byRegistration = new HashMap<>();
		for (BaseUrl baseUrl : baseUrls) {
			// two registrations may not share a base URL (validated); if they do, the first wins
			byOriginAndPath.putIfAbsent(baseUrl.origin() + baseUrl.path(), baseUrl);
			byRegistration.computeIfAbsent(baseUrl.registrationId(), (id) -> new ArrayList<>()).add(baseUrl);
		}
		this.baseUrls = Map.copyOf(byOriginAndPath);
		Map<String, List<BaseUrl>> copies = new HashMap<>();
		byRegistration.forEach((id, list) -> copies.put(id, List.copyOf(list)));
		this.baseUrlsByRegistration = Map.copyOf(copies);
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
		if (this.baseUrlsByRegistration.containsKey(namedRegistrationId)) {
			BaseUrl.Target target = BaseUrl.target(url);
			if (target != null && target.refusal() != null) {
				throw new TokenRoutingException("The request to " + describe(url) + " names TokenKeeper registration '"
						+ namedRegistrationId + "', but " + target.refusal()
						+ ": servers may read such a path as another one, so it gets no token");
			}
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

	/**
	 * Whether a registration has {@code base-urls}: without them, a request that names it may
	 * go to any secure URL its code chooses.
	 * @param registrationId the id
	 * @return whether it has base URLs
	 */
	public boolean hasBaseUrls(String registrationId) {
		return this.baseUrlsByRegistration.containsKey(registrationId);
	}

	/**
	 * The longest base URL at or above the request path: a base path matches when it equals
	 * the request path or ends where the request path has a {@code /}, so those are the only
	 * candidates, tried longest first.
	 */
	private @Nullable String match(URI url) {
		BaseUrl.Target target = BaseUrl.target(url);
		if (target == null || target.refusal() != null) {
			return null;
		}
		String origin = target.origin();
		String path = target.path();
		BaseUrl found = this.baseUrls.get(origin + path);
		for (int slash = path.lastIndexOf('/'); found == null && slash >= 0; slash = path.lastIndexOf('/', slash - 1)) {
			found = this.baseUrls.get(origin + path.substring(0, slash));
		}
		return (found != null) ? found.registrationId() : null;
	}

	private @Nullable String matchAny(URI url, String registrationId) {
		for (BaseUrl baseUrl : this.baseUrlsByRegistration.getOrDefault(registrationId, List.of())) {
			if (baseUrl.matches(url)) {
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
