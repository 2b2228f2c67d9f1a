package dev.tokenkeeper.test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts {@code POST /oauth2/token} requests at a servlet authorization server, by the
 * client id they authenticate with (HTTP Basic, decoded as RFC 6749 §2.3.1 says, or the
 * {@code client_id} form field). Register it ahead of Spring Security's filters: the token
 * endpoint answers inside the security filter chain.
 */
public final class TokenRequestCounter extends OncePerRequestFilter {

	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !("POST".equals(request.getMethod()) && "/oauth2/token".equals(request.getRequestURI()));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		this.counts.computeIfAbsent(clientId(request), (id) -> new AtomicInteger()).incrementAndGet();
		chain.doFilter(request, response);
	}

	private static String clientId(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			try {
				String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
						StandardCharsets.UTF_8);
				int colon = credentials.indexOf(':');
				return URLDecoder.decode((colon < 0) ? credentials : credentials.substring(0, colon),
						StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return "(malformed basic credentials)";
			}
		}
		String clientId = request.getParameter("client_id");
		return (clientId != null) ? clientId : "(no client id)";
	}

	/**
	 * Token requests received from this client id so far.
	 * @param clientId the OAuth2 client id
	 * @return the count
	 */
	public int count(String clientId) {
		AtomicInteger count = this.counts.get(clientId);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Token requests received so far, by client id.
	 * @return a snapshot
	 */
	public Map<String, Integer> counts() {
		Map<String, Integer> snapshot = new TreeMap<>();
		this.counts.forEach((id, count) -> snapshot.put(id, count.get()));
		return snapshot;
	}

	/** Forget the counts, between tests that share the server. */
	public void reset() {
		this.counts.clear();
	}

}
