package dev.tokenkeeper.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * How the WebClient filter and the RestClient interceptor follow a redirect of a request
 * that carries a token, the way Spring Boot's clients would (301, 302 and 303 become a
 * {@code GET} without body, 307 and 308 repeat method and body, a relative
 * {@code Location} is resolved against the URL that answered), except that each hop is
 * routed again ({@link TokenSelection#keepsToken}): it keeps the token only where the
 * request itself would have got it.
 *
 * @author TokenKeeper
 */
final class RedirectHops {

	/** Redirects followed per request; the 3xx after the last goes to the caller. */
	static final int MAX_HOPS = 10;

	private RedirectHops() {
	}

	/**
	 * Where a response redirects to.
	 * @param from the URL that answered
	 * @param status its status
	 * @param location its {@code Location} header
	 * @return the absolute http(s) URL to go to next, or {@code null} when the response is
	 * not a redirect to follow (it then goes to the caller as it is)
	 */
	static @Nullable URI target(URI from, int status, @Nullable String location) {
		if (!isRedirect(status) || location == null || location.isBlank()) {
			return null;
		}
		try {
			URI target = from.resolve(new URI(location.trim()));
			String scheme = (target.getScheme() != null) ? target.getScheme().toLowerCase(Locale.ROOT) : "";
			return ((scheme.equals("https") || scheme.equals("http")) && target.getHost() != null) ? target : null;
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			return null;
		}
	}

	static boolean isRedirect(int status) {
		return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
	}

	/** Whether the next hop repeats method and body (307, 308) or is a {@code GET}. */
	static boolean keepsBody(int status) {
		return status == 307 || status == 308;
	}

	/** The method of the next hop. */
	static HttpMethod method(int status, HttpMethod method) {
		if (keepsBody(status) || HttpMethod.HEAD.equals(method)) {
			return method;
		}
		return HttpMethod.GET;
	}

	/** Headers that describe a body, dropped when the next hop has none. */
	static void removeBodyHeaders(HttpHeaders headers) {
		headers.remove(HttpHeaders.CONTENT_TYPE);
		headers.remove(HttpHeaders.CONTENT_LENGTH);
		headers.remove(HttpHeaders.CONTENT_ENCODING);
		headers.remove(HttpHeaders.CONTENT_LANGUAGE);
		headers.remove(HttpHeaders.TRANSFER_ENCODING);
	}

	static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
				&& port(a) == port(b);
	}

	private static int port(URI url) {
		if (url.getPort() != -1) {
			return url.getPort();
		}
		return url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
	}

}
