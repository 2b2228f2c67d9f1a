package dev.tokenkeeper.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Decides which registration's token, if any, an outgoing request gets. A token goes only
 * where configuration or code names its registration: under its {@code base-urls}, or, for a
 * registration without base URLs, on requests that name it. A non-loopback {@code http} URL
 * never gets one.
 * <p>
 * Registrations come and go while the application runs ({@link #put}, {@link #remove}):
 * lookups read concurrent maps and take no lock, so a change costs one write per base URL
 * instead of a rebuild that every request would pay for.
 *
 * @author TokenKeeper
 */
public final class TokenRouter {

	/**
	 * Registration ids by base URL (origin and path): a lookup per path depth instead of a
	 * scan over every base URL. The id itself is the value, one object fewer to reach on
	 * every routed request.
	 */
	private final Map<String, String> baseUrls = new ConcurrentHashMap<>();

	private final Map<String, List<BaseUrl>> baseUrlsByRegistration = new ConcurrentHashMap<>();

	/** By origin: the depths its base URLs' paths have. */
	private final Map<String, Depths> depths = new ConcurrentHashMap<>();

	/**
	 * Create a router.
	 * @param registrationIds every registration id
	 * @param baseUrls every configured base URL
	 */
	public TokenRouter(Collection<String> registrationIds, Collection<BaseUrl> baseUrls) {
		Map<String, List<BaseUrl>> byRegistration = new LinkedHashMap<>();
		for (BaseUrl baseUrl : baseUrls) {
			byRegistration.computeIfAbsent(baseUrl.registrationId(), (id) -> new ArrayList<>()).add(baseUrl);
		}
		for (String id : registrationIds) {
			put(id, byRegistration.getOrDefault(id, List.of()));
		}
	}

	/**
	 * Route to a registration, replacing its base URLs if it was known. Its old base URLs
	 * that it no longer has stop routing to it.
	 * @param registrationId the registration id
	 * @param baseUrls its base URLs, validated not to be another registration's
	 */
	public synchronized void put(String registrationId, Collection<BaseUrl> baseUrls) {
		List<BaseUrl> previous = this.baseUrlsByRegistration.get(registrationId);
		List<BaseUrl> taken = new ArrayList<>(baseUrls.size());
		for (BaseUrl baseUrl : baseUrls) {
			// two registrations may not share a base URL (validated); if they do, the first wins
			take(baseUrl);
			// one instance per base URL: a replaced registration keeps the one it had
			taken.add(same(previous, baseUrl));
		}
		List<BaseUrl> own = List.copyOf(taken);
		// every registration has an entry, an empty list when it has no base URLs
		this.baseUrlsByRegistration.put(registrationId, own);
		if (previous != null) {
			Set<String> kept = new HashSet<>();
			own.forEach((baseUrl) -> kept.add(baseUrl.key()));
			for (BaseUrl baseUrl : previous) {
				if (!kept.contains(baseUrl.key())) {
					release(baseUrl);
				}
			}
		}
	}

	/**
	 * Stop routing to a registration: requests to its base URLs go out untouched and a
	 * request naming it fails as for any unknown id.
	 * @param registrationId the registration id
	 * @return whether it was known
	 */
	public synchronized boolean remove(String registrationId) {
		List<BaseUrl> previous = this.baseUrlsByRegistration.remove(registrationId);
		if (previous != null) {
			previous.forEach(this::release);
		}
		return previous != null;
	}

	/**
	 * The registration a base URL routes to, for validating a new one against those known.
	 * @param baseUrl the base URL
	 * @return the registration id, or {@code null}
	 */
	public @Nullable String owner(BaseUrl baseUrl) {
		return this.baseUrls.get(baseUrl.key());
	}

	/** Route a base URL unless it routes already. */
	private void take(BaseUrl baseUrl) {
		// the depth first: a lookup that finds the base URL must also know to look for it
		Depths depths = this.depths.computeIfAbsent(baseUrl.origin(), (origin) -> new Depths());
		depths.add(depth(baseUrl.path()));
		if (this.baseUrls.putIfAbsent(baseUrl.key(), baseUrl.registrationId()) != null) {
			release(baseUrl.origin(), depths, depth(baseUrl.path()));
		}
	}

	private static BaseUrl same(@Nullable List<BaseUrl> previous, BaseUrl baseUrl) {
		if (previous != null) {
			for (BaseUrl had : previous) {
				if (had.key().equals(baseUrl.key())) {
					return had;
				}
			}
		}
		return baseUrl;
	}

	private void release(BaseUrl baseUrl) {
		if (this.baseUrls.remove(baseUrl.key(), baseUrl.registrationId())) {
			Depths depths = this.depths.get(baseUrl.origin());
			if (depths != null) {
				release(baseUrl.origin(), depths, depth(baseUrl.path()));
			}
		}
	}

	private void release(String origin, Depths depths, int depth) {
		if (depths.remove(depth)) {
			this.depths.remove(origin, depths);
		}
	}

	/** How many segments a normalised path has: {@code ""} 0, {@code /v0} 1, {@code /t/7} 2. */
	private static int depth(String path) {
		int depth = 0;
		for (int i = 0; i < path.length(); i++) {
			if (path.charAt(i) == '/') {
				depth++;
			}
		}
		return depth;
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
		List<BaseUrl> named = this.baseUrlsByRegistration.get(namedRegistrationId);
		if (named == null) {
			throw new TokenRoutingException("The request names TokenKeeper registration '" + namedRegistrationId
					+ "', which is neither configured (tokenkeeper.clients." + namedRegistrationId
					+ ") nor registered at run time (tokenKeeperClients)");
		}
		if (!named.isEmpty()) {
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
		return this.baseUrlsByRegistration.containsKey(registrationId);
	}

	/**
	 * Whether a registration has {@code base-urls}: without them, a request that names it may
	 * go to any secure URL its code chooses.
	 * @param registrationId the id
	 * @return whether it has base URLs
	 */
	public boolean hasBaseUrls(String registrationId) {
		return !this.baseUrlsByRegistration.getOrDefault(registrationId, List.of()).isEmpty();
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
		Depths depths = this.depths.get(origin);
		if (depths == null) {
			// no base URL on this origin
			return null;
		}
		// only candidates as deep as some base URL of the origin are looked up: each lookup in
		// a map of 100,000 base URLs is a cache miss
		int mask = depths.mask;
		String path = target.path();
		int depth = depth(path);
		String found = Depths.has(mask, depth) ? this.baseUrls.get(origin + path) : null;
		for (int slash = path.lastIndexOf('/'); found == null && slash >= 0; slash = path.lastIndexOf('/', slash - 1)) {
			depth--;
			if (Depths.has(mask, depth)) {
				found = this.baseUrls.get(origin + path.substring(0, slash));
			}
		}
		return found;
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

	/**
	 * The path depths of one origin's base URLs, as a bit per depth (31 and deeper share the
	 * last bit). Counted under the router's lock; the mask is read without one.
	 */
	private static final class Depths {

		private final int[] counts = new int[32];

		private volatile int mask;

		void add(int depth) {
			int bit = Math.min(depth, 31);
			if (this.counts[bit]++ == 0) {
				this.mask |= 1 << bit;
			}
		}

		/** Returns whether none is left. */
		boolean remove(int depth) {
			int bit = Math.min(depth, 31);
			if (--this.counts[bit] == 0) {
				this.mask &= ~(1 << bit);
			}
			return this.mask == 0;
		}

		static boolean has(int mask, int depth) {
			return (mask & (1 << Math.min(depth, 31))) != 0;
		}

	}

}
