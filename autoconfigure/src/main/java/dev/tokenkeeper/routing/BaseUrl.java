package dev.tokenkeeper.routing;

import java.net.URI;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One {@code base-urls} entry. A request URL matches when scheme, host and port are equal
 * (after normalising case, default ports and trailing slashes) and its path equals the base
 * path or continues it after a {@code /}. A URL with user-info never matches.
 * <p>
 * Besides {@code http} and {@code https}, the {@code lb} scheme of Spring Cloud LoadBalancer
 * is accepted: in {@code lb://partner-service/v0} the host is the service id, and a request
 * matches while its URL still names the service, before the load balancer picks an instance.
 *
 * @author TokenKeeper
 */
public final class BaseUrl {

	private static final String LOAD_BALANCED = "lb";

	private final String registrationId;

	private final String scheme;

	private final String host;

	private final int port;

	/** Scheme, host and port, normalised, with the port always given. */
	private final String origin;

	/** {@link #origin} and the normalised path: what the router looks it up by. */
	private final String key;

	private final String text;

	// Scheme, host and origin are interned: a platform's tenants share a few partner hosts,
	// and 100,000 base URLs would otherwise keep 100,000 copies of each. The key and the text
	// are one string when they read the same.
	private BaseUrl(String registrationId, String scheme, String host, int port, String path, String text) {
		this.registrationId = registrationId;
		this.scheme = scheme.intern();
		this.host = host.intern();
		this.port = port;
		this.origin = origin(scheme, host, port).intern();
		this.key = this.origin + path;
		this.text = text.equals(this.key) ? this.key : text;
	}

	/**
	 * Parse a configured base URL.
	 * @param registrationId the registration it belongs to
	 * @param url the URL, e.g. {@code https://api.x.com/v0/}
	 * @return the base URL
	 * @throws IllegalArgumentException when it is not an absolute http, https or lb URL without
	 * user-info, query or fragment, or its path is one servers may read differently
	 */
	public static BaseUrl parse(String registrationId, String url) {
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (java.net.URISyntaxException ex) {
			throw new IllegalArgumentException("is not a valid URL");
		}
		String scheme = scheme(uri);
		if (scheme == null) {
			throw new IllegalArgumentException("must be an absolute http, https or lb URL");
		}
		String host = host(uri);
		if (host == null) {
			throw new IllegalArgumentException("must name a host");
		}
		if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new IllegalArgumentException("must not have user-info, a query or a fragment");
		}
		String path = stripTrailingSlashes((uri.getRawPath() != null) ? uri.getRawPath() : "");
		String refusal = refusal(path);
		if (refusal != null) {
			throw new IllegalArgumentException("must have a plain path, but " + refusal);
		}
		if (!normalize(path).equals(path)) {
			throw new IllegalArgumentException("must have a path without '.' or '..' segments");
		}
		int port = port(uri, scheme);
		return new BaseUrl(registrationId, scheme, host, port, path, canonical(scheme, host, port, path));
	}

	/**
	 * Whether the request URL is at or under this base URL.
	 * @param url an absolute request URL
	 * @return whether it matches
	 */
	public boolean matches(URI url) {
		Target target = target(url);
		return target != null && target.refusal() == null && this.origin.equals(target.origin())
				&& covers(target.path());
	}

	/**
	 * Whether a normalised request path on this base URL's origin is at or under its path.
	 */
	boolean covers(String path) {
		int length = this.key.length() - this.origin.length();
		if (length == 0) {
			return true;
		}
		return path.regionMatches(0, this.key, this.origin.length(), length)
				&& (path.length() == length || path.charAt(length) == '/');
	}

	/**
	 * A request URL as base URLs are compared with it: normalised once, however many base URLs
	 * it is checked against.
	 * @param url an absolute request URL
	 * @return its origin and path (or why its path cannot be judged), or {@code null} when no
	 * base URL can match it (user-info, another scheme, no host)
	 */
	static @Nullable Target target(URI url) {
		if (url.getRawUserInfo() != null) {
			return null;
		}
		String scheme = scheme(url);
		String host = host(url);
		if (scheme == null || host == null) {
			return null;
		}
		String origin = origin(scheme, host, port(url, scheme));
		String path = url.getRawPath();
		if (path == null || path.isEmpty()) {
			return new Target(origin, "", null);
		}
		String refusal = refusal(path);
		return (refusal != null) ? new Target(origin, "", refusal) : new Target(origin, normalize(path), null);
	}

	/**
	 * Why servers may read this raw path as another one, or {@code null}. Servers that merge
	 * slashes, strip {@code ;} path parameters (including from {@code ..;}) or decode
	 * {@code %2F} and {@code \} serve such paths from a place other than their text says, so
	 * no base URL is judged to cover them. One pass, no allocation: this is on every request.
	 */
	static @Nullable String refusal(String rawPath) {
		int length = rawPath.length();
		for (int i = 0; i < length; i++) {
			char c = rawPath.charAt(i);
			if (c == '/' && i + 1 < length && rawPath.charAt(i + 1) == '/') {
				return "it has an empty segment ('//')";
			}
			if (c == ';') {
				return "a segment has a ';' parameter";
			}
			if (c == '\\') {
				return "it has a '\\'";
			}
			if (c == '%' && i + 2 < length) {
				char high = rawPath.charAt(i + 1);
				char low = Character.toLowerCase(rawPath.charAt(i + 2));
				if ((high == '2' && low == 'f') || (high == '5' && low == 'c')) {
					return "it has an encoded '/' or '\\' (%2F, %5C)";
				}
				if (high == '3' && low == 'b') {
					return "it has an encoded ';' (%3B)";
				}
				if (high == '0' && low == '0') {
					return "it has an encoded NUL (%00)";
				}
			}
		}
		return null;
	}

	private static String origin(String scheme, String host, int port) {
		return scheme + "://" + host + ":" + port;
	}

	/** A raw path without dot segments, {@code %2e} read as {@code .} (RFC 3986 6.2.2.2). */
	private static String normalize(String path) {
		if (path.indexOf('%') >= 0 && (path.contains("%2e") || path.contains("%2E"))) {
			path = path.replace("%2e", ".").replace("%2E", ".");
		}
		if (!path.contains("/.")) {
			return path;
		}
		return removeDotSegments(path);
	}

	/**
	 * RFC 3986 section 5.2.4 on an absolute path alone: never through {@link URI}, which would
	 * read a leading {@code //b} as an authority.
	 */
	static String removeDotSegments(String path) {
		StringBuilder output = new StringBuilder(path.length());
		int i = 0;
		int length = path.length();
		while (i < length) {
			int next = path.indexOf('/', i + 1);
			int end = (next < 0) ? length : next;
			// the segment with its leading '/', e.g. "/a", "/.", "/.."
			String segment = path.substring(i, end);
			if (segment.equals("/.")) {
				if (end == length) {
					output.append('/');
				}
			}
			else if (segment.equals("/..")) {
				int last = output.lastIndexOf("/");
				output.setLength(Math.max(last, 0));
				if (end == length) {
					output.append('/');
				}
			}
			else {
				output.append(segment);
			}
			i = end;
		}
		return output.toString();
	}

	static @Nullable String scheme(URI uri) {
		String scheme = uri.getScheme();
		if (scheme == null) {
			return null;
		}
		scheme = scheme.toLowerCase(Locale.ROOT);
		return (scheme.equals("http") || scheme.equals("https") || scheme.equals(LOAD_BALANCED)) ? scheme : null;
	}

	static @Nullable String host(URI uri) {
		String host = uri.getHost();
		if (host == null || host.isEmpty()) {
			return null;
		}
		host = host.toLowerCase(Locale.ROOT);
		return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
	}

	private static int port(URI uri, String scheme) {
		if (uri.getPort() != -1 || scheme.equals(LOAD_BALANCED)) {
			return uri.getPort();
		}
		return scheme.equals("https") ? 443 : 80;
	}

	private static String stripTrailingSlashes(String path) {
		int end = path.length();
		while (end > 0 && path.charAt(end - 1) == '/') {
			end--;
		}
		return path.substring(0, end);
	}

	/**
	 * Whether this base URL sends tokens in clear text: {@code http} on a non-loopback host.
	 * An {@code lb} URL is not: the service's instances are the application's own, reached
	 * however the load balancer is configured.
	 * @return whether it is insecure
	 */
	public boolean isInsecure() {
		return this.scheme.equals("http") && !Loopback.isLoopbackHost(this.host);
	}

	private static String canonical(String scheme, String host, int port, String path) {
		boolean defaultPort = (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)
				|| port == -1;
		return scheme + "://" + host + (defaultPort ? "" : ":" + port) + path;
	}

	/**
	 * The registration this base URL belongs to.
	 * @return the id
	 */
	public String registrationId() {
		return this.registrationId;
	}

	/**
	 * Scheme, host and port, normalised, with the port always given.
	 * @return e.g. {@code https://api.x.com:443}
	 */
	String origin() {
		return this.origin;
	}

	/**
	 * The normalised path, without trailing slashes.
	 * @return e.g. {@code /v0}, or empty
	 */
	String path() {
		return this.key.substring(this.origin.length());
	}

	/**
	 * The origin and the normalised path, as one string.
	 * @return e.g. {@code https://api.x.com:443/v0}
	 */
	String key() {
		return this.key;
	}

	/**
	 * The normalised URL, for comparing and reporting.
	 * @return e.g. {@code https://api.x.com/v0}
	 */
	@Override
	public String toString() {
		return this.text;
	}

	/**
	 * A request URL's normalised origin and path.
	 *
	 * @param origin as {@link #origin()}
	 * @param path the raw path, dot segments resolved; empty when refused
	 * @param refusal why no base URL may cover the path, or {@code null}
	 */
	record Target(String origin, String path, @Nullable String refusal) {

	}

}
