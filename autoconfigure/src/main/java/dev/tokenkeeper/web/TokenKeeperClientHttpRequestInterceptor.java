package dev.tokenkeeper.web;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

import dev.tokenkeeper.cache.BlockingTokens;
import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.routing.ClientLookups;
import dev.tokenkeeper.routing.TokenRouter;

/**
 * Puts the right token (bearer, or DPoP-bound with a fresh proof per request) on outgoing
 * {@code RestClient} (and {@code RestTemplate}) requests, by the same rules and from the same cache as
 * {@link TokenKeeperExchangeFilterFunction}. Added to every {@code RestClient} built from
 * Spring Boot's {@code RestClient.Builder}; for other clients:
 * <pre class="code">
 * RestClient.builder().requestInterceptor(tokenKeeperClientHttpRequestInterceptor).build();
 * </pre>
 * The registration is the one named by {@link TokenKeeperAttributes#client(String)} (for
 * {@code RestClient…attributes(…)}) or by Spring Security's {@code clientRegistrationId}
 * attribute ({@code @ClientRegistrationId} on HTTP service interfaces), else the one whose
 * {@code base-urls} entry is the longest match of the URL. Requests that match nothing, or
 * already carry {@code Authorization}, go out untouched.
 * <p>
 * Spring buffers the whole request body of a client that has an interceptor, so a request
 * answered with 401 can always be replayed: the token is dropped (if still cached) and the
 * request sent again once, with a new token, unless it carries
 * {@link TokenKeeperAttributes#noReplay()}. The calling thread waits for a token request in
 * flight; no monitor is held, so virtual threads do not pin.
 * <p>
 * Requests with a token are created by a request factory that does not follow redirects
 * (see {@link TokenKeeperTransports}); this interceptor follows them, and a hop keeps the
 * token only where the router would give that URL the same registration's token.
 *
 * @author TokenKeeper
 */
public final class TokenKeeperClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private final BlockingTokens tokens;

	private final TokenSelection selection;

	private final UnauthorizedReplay replay;

	/**
	 * Create an interceptor.
	 * @param tokens the token cache, waited on by the calling thread
	 * @param router decides which registration a request belongs to
	 * @param unauthorizedCoolDown how long 401s pass through after a replay was refused
	 * @param othersManage whether an id in Spring Security's attribute that TokenKeeper does not
	 * know is someone else's (a user's own {@code ClientRegistration}), to be left alone
	 */
	public TokenKeeperClientHttpRequestInterceptor(BlockingTokens tokens, TokenRouter router,
			Duration unauthorizedCoolDown, Predicate<String> othersManage) {
		this(tokens, router, unauthorizedCoolDown, othersManage, ClientLookups.NONE);
	}

	/**
	 * Create an interceptor that looks up the clients requests name but the router does not
	 * know, waiting on the calling thread.
	 * @param tokens the token cache, waited on by the calling thread
	 * @param router decides which registration a request belongs to
	 * @param unauthorizedCoolDown how long 401s pass through after a replay was refused
	 * @param othersManage whether an id in Spring Security's attribute that TokenKeeper does not
	 * know is someone else's (a user's own {@code ClientRegistration}), to be left alone
	 * @param lookups finds unknown clients, such as a {@code TokenKeeperClientSource}
	 */
	public TokenKeeperClientHttpRequestInterceptor(BlockingTokens tokens, TokenRouter router,
			Duration unauthorizedCoolDown, Predicate<String> othersManage, ClientLookups lookups) {
		this.tokens = tokens;
		this.selection = new TokenSelection(router, othersManage, lookups);
		this.replay = new UnauthorizedReplay(tokens.cache(), unauthorizedCoolDown);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String lookup = this.selection.lookupFor(request.getAttributes(),
				request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION));
		if (lookup != null) {
			this.tokens.await(this.selection.lookup(lookup), lookup);
		}
		String registrationId = this.selection.registrationFor(request.getURI(), request.getAttributes(),
				request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION));
		if (registrationId == null) {
			return execution.execute(request, body);
		}
		CachedToken token = this.tokens.token(registrationId);
		Answer answer = execute(request, body, token, execution);
		if (!answer.isUnauthorized(token)) {
			this.replay.accepted(token);
			return answer.response();
		}
		if (!this.replay.shouldReplay(token, request.getAttributes())) {
			return answer.response();
		}
		answer.response().close();
		CachedToken fresh = this.tokens.token(registrationId);
		Answer replayed = execute(request, body, fresh, execution);
		this.replay.replayed(fresh, replayed.status());
		return replayed.response();
	}

	/**
	 * Send the request with the token through a request factory's no-redirect side, and
	 * follow redirects here: each hop keeps the token only where the router would give it
	 * one. Once a hop goes without the token, the factory follows the rest as it would for
	 * any request without one.
	 */
	private Answer execute(HttpRequest request, byte[] body, CachedToken token, ClientHttpRequestExecution execution)
			throws IOException {
		URI origin = request.getURI();
		HttpRequest current = request;
		byte[] currentBody = body;
		for (int hops = 0;; hops++) {
			HttpRequest hop = current;
			byte[] sentBody = currentBody;
			ClientHttpResponse response = TokenKeeperTransports.marked(() -> send(hop, sentBody, execution, token));
			int status = response.getStatusCode().value();
			URI target = (hops < RedirectHops.MAX_HOPS)
					? RedirectHops.target(current.getURI(), status, response.getHeaders().getFirst(HttpHeaders.LOCATION))
					: null;
			if (target == null) {
				return new Answer(response, true);
			}
			response.close();
			boolean keepsBody = RedirectHops.keepsBody(status);
			current = redirected(current, target, RedirectHops.method(status, current.getMethod()), keepsBody);
			currentBody = keepsBody ? currentBody : new byte[0];
			if (!this.selection.keepsToken(origin, target, token.registrationId(), request.getAttributes())) {
				return new Answer(execution.execute(current, currentBody), false);
			}
		}
	}

	private static HttpRequest redirected(HttpRequest request, URI target, HttpMethod method, boolean keepsBody) {
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(request.getHeaders());
		if (!keepsBody) {
			RedirectHops.removeBodyHeaders(headers);
		}
		return new HttpRequestWrapper(request) {

			@Override
			public URI getURI() {
				return target;
			}

			@Override
			public HttpMethod getMethod() {
				return method;
			}

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

		};
	}

	/** A response, and whether the hop that got it carried the token. */
	private record Answer(ClientHttpResponse response, boolean carriedToken) {

		boolean isUnauthorized(CachedToken sent) throws IOException {
			return this.carriedToken && TokenKeeperClientHttpRequestInterceptor.isUnauthorized(sent, this.response);
		}

		/** The status, or 0 for a response to a hop without the token (which says nothing of it). */
		int status() throws IOException {
			return this.carriedToken ? this.response.getStatusCode().value() : 0;
		}

	}

	private static boolean isUnauthorized(CachedToken sent, ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		return UnauthorizedReplay.isUnauthorized(status)
				&& !TokenHeaders.isNonceChallenge(sent, status, response.getHeaders());
	}

	/** One exchange with the token; for a DPoP token, once more when the API asks for a nonce. */
	private ClientHttpResponse send(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			CachedToken token) throws IOException {
		ClientHttpResponse response = execution.execute(withToken(request, token), body);
		if (token.dpop() == null || !TokenHeaders.asksForNonce(token, request.getURI(),
				response.getStatusCode().value(), response.getHeaders())) {
			return response;
		}
		response.close();
		this.tokens.cache().dpopNonceRetried(token.registrationId());
		ClientHttpResponse again = execution.execute(withToken(request, token), body);
		TokenHeaders.asksForNonce(token, request.getURI(), again.getStatusCode().value(), again.getHeaders());
		return again;
	}

	/**
	 * The request with the token, on headers of its own: every attempt starts from the
	 * request as it was before the token was added, and interceptors after this one see the
	 * header (one that sets {@code Authorization} itself wins).
	 */
	private static HttpRequest withToken(HttpRequest request, CachedToken token) {
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(request.getHeaders());
		TokenHeaders.set(headers, token, request.getMethod(), request.getURI());
		return new HttpRequestWrapper(request) {

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}

		};
	}

}
