package dev.tokenkeeper.web;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

import dev.tokenkeeper.cache.BlockingTokens;
import dev.tokenkeeper.cache.CachedToken;
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
		this.tokens = tokens;
		this.selection = new TokenSelection(router, othersManage);
		this.replay = new UnauthorizedReplay(tokens.cache(), unauthorizedCoolDown);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String registrationId = this.selection.registrationFor(request.getURI(), request.getAttributes(),
				request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION));
		if (registrationId == null) {
			return execution.execute(request, body);
		}
		CachedToken token = this.tokens.token(registrationId);
		ClientHttpResponse response = send(request, body, execution, token);
		if (!isUnauthorized(token, response) || !this.replay.shouldReplay(token, request.getAttributes())) {
			return response;
		}
		response.close();
		ClientHttpResponse replayed = send(request, body, execution, this.tokens.token(registrationId));
		this.replay.replayed(registrationId, replayed.getStatusCode().value());
		return replayed;
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
