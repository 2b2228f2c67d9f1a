package dev.tokenkeeper.web;

import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.routing.ClientLookups;
import dev.tokenkeeper.routing.TokenRouter;

/**
 * Puts the right token on outgoing {@code WebClient} requests: a bearer token, or a
 * DPoP-bound one with a fresh proof per request (RFC 9449). Added to every
 * {@code WebClient} built from Spring Boot's {@code WebClient.Builder}; for other WebClients:
 * <pre class="code">
 * WebClient.builder().filter(tokenKeeperExchangeFilterFunction).build();
 * </pre>
 * The registration is the one named by {@link TokenKeeperAttributes#client(String)} or by
 * Spring Security's {@code clientRegistrationId} attribute, else the one whose
 * {@code base-urls} entry is the longest match of the URL. Requests that match nothing, or
 * already carry {@code Authorization}, go out untouched.
 * <p>
 * The headers are set on the native request, which Spring's request-details logging does not
 * print. A DPoP API that asks for a nonce ({@code 401}, {@code use_dpop_nonce}) gets the
 * request once more with it, without dropping the token. On a 401 the token is dropped (if still cached) and the request replayed once with a
 * new one; see {@link TokenKeeperAttributes#noReplay()}.
 * <p>
 * Requests with a token go out on a transport that does not follow redirects (see
 * {@link TokenKeeperTransports}); this filter follows them, and a hop keeps the token only
 * where the router would give that URL the same registration's token.
 *
 * @author TokenKeeper
 */
public final class TokenKeeperExchangeFilterFunction implements ExchangeFilterFunction {

	private final TokenCache tokens;

	private final TokenSelection selection;

	private final UnauthorizedReplay replay;

	/**
	 * Create a filter.
	 * @param tokens the token cache
	 * @param router decides which registration a request belongs to
	 * @param unauthorizedCoolDown how long 401s pass through after a replay was refused
	 * @param othersManage whether an id in Spring Security's attribute that TokenKeeper does not
	 * know is someone else's (a user's own {@code ClientRegistration}), to be left alone
	 */
	public TokenKeeperExchangeFilterFunction(TokenCache tokens, TokenRouter router, Duration unauthorizedCoolDown,
			Predicate<String> othersManage) {
		this(tokens, router, unauthorizedCoolDown, othersManage, ClientLookups.NONE);
	}

	/**
	 * Create a filter that looks up the clients requests name but the router does not know.
	 * @param tokens the token cache
	 * @param router decides which registration a request belongs to
	 * @param unauthorizedCoolDown how long 401s pass through after a replay was refused
	 * @param othersManage whether an id in Spring Security's attribute that TokenKeeper does not
	 * know is someone else's (a user's own {@code ClientRegistration}), to be left alone
	 * @param lookups finds unknown clients, such as a {@code TokenKeeperClientSource}
	 */
	public TokenKeeperExchangeFilterFunction(TokenCache tokens, TokenRouter router, Duration unauthorizedCoolDown,
			Predicate<String> othersManage, ClientLookups lookups) {
		this.tokens = tokens;
		this.selection = new TokenSelection(router, othersManage, lookups);
		this.replay = new UnauthorizedReplay(tokens, unauthorizedCoolDown);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		String lookup = this.selection.lookupFor(request.attributes(),
				request.headers().containsHeader(HttpHeaders.AUTHORIZATION));
		if (lookup != null) {
			return Mono.fromFuture(() -> this.selection.lookup(lookup), true).then(Mono.defer(() -> routed(request, next)));
		}
		return routed(request, next);
	}

	private Mono<ClientResponse> routed(ClientRequest request, ExchangeFunction next) {
		String registrationId;
		try {
			registrationId = this.selection.registrationFor(request.url(), request.attributes(),
					request.headers().containsHeader(HttpHeaders.AUTHORIZATION));
		}
		catch (RuntimeException ex) {
			return Mono.error(ex);
		}
		if (registrationId == null) {
			return next.exchange(request);
		}
		return this.tokens.token(registrationId)
			.flatMap((token) -> exchange(request, token, next)
				.flatMap((answer) -> answer.isUnauthorized(token) ? unauthorized(request, next, token, answer.response())
						: accepted(token, answer.response())));
	}

	private static boolean isUnauthorized(CachedToken sent, ClientResponse response) {
		int status = response.statusCode().value();
		return UnauthorizedReplay.isUnauthorized(status)
				&& !TokenHeaders.isNonceChallenge(sent, status, response.headers().asHttpHeaders());
	}

	/** One exchange with the token; for a DPoP token, once more when the API asks for a nonce. */
	private Mono<ClientResponse> send(ClientRequest request, ExchangeFunction next, CachedToken token) {
		Mono<ClientResponse> exchange = next.exchange(withToken(request, token));
		if (token.dpop() == null) {
			return exchange;
		}
		return exchange.flatMap((response) -> {
			if (!TokenHeaders.asksForNonce(token, request.url(), response.statusCode().value(),
					response.headers().asHttpHeaders())) {
				return Mono.just(response);
			}
			this.tokens.dpopNonceRetried(token.registrationId());
			return response.releaseBody()
				.then(Mono.defer(() -> next.exchange(withToken(request, token))))
				.doOnNext((again) -> TokenHeaders.asksForNonce(token, request.url(), again.statusCode().value(),
						again.headers().asHttpHeaders()));
		});
	}

	private Mono<ClientResponse> unauthorized(ClientRequest request, ExchangeFunction next, CachedToken sent,
			ClientResponse response) {
		if (!this.replay.shouldReplay(sent, request.attributes())) {
			return Mono.just(response);
		}
		return response.releaseBody()
			.then(this.tokens.token(sent.registrationId()))
			.flatMap((token) -> exchange(request, token, next)
				.doOnNext((replayed) -> this.replay.replayed(token, replayed.status())))
			.map(Answer::response);
	}

	private Mono<ClientResponse> accepted(CachedToken sent, ClientResponse response) {
		this.replay.accepted(sent);
		return Mono.just(response);
	}

	/**
	 * Send the request with the token on a transport that does not follow redirects, and
	 * follow them here: each hop keeps the token only where the router would give it one.
	 * Once a hop goes without the token, the transport follows the rest as it would for any
	 * request without one.
	 */
	private Mono<Answer> exchange(ClientRequest request, CachedToken token, ExchangeFunction next) {
		return hop(request.url(), request, token, next, 0);
	}

	private Mono<Answer> hop(URI origin, ClientRequest request, CachedToken token, ExchangeFunction next,
			int hops) {
		return TokenKeeperTransports.marked(send(request, next, token)).flatMap((response) -> {
			int status = response.statusCode().value();
			URI target = (hops < RedirectHops.MAX_HOPS) ? RedirectHops.target(request.url(), status,
					response.headers().asHttpHeaders().getFirst(HttpHeaders.LOCATION)) : null;
			if (target == null) {
				return Mono.just(new Answer(response, true));
			}
			ClientRequest redirected = redirected(request, status, target);
			return response.releaseBody()
				.then(Mono.defer(() -> this.selection.keepsToken(origin, target, token.registrationId(),
						request.attributes()) ? hop(origin, redirected, token, next, hops + 1)
								: next.exchange(redirected).map((answer) -> new Answer(answer, false))));
		});
	}

	private static ClientRequest redirected(ClientRequest request, int status, URI target) {
		ClientRequest.Builder redirected = ClientRequest.from(request).url(target);
		if (!RedirectHops.keepsBody(status)) {
			redirected.method(RedirectHops.method(status, request.method()))
				.headers(RedirectHops::removeBodyHeaders)
				.body(BodyInserters.empty());
		}
		return redirected.build();
	}

	/** A response, and whether the hop that got it carried the token. */
	private record Answer(ClientResponse response, boolean carriedToken) {

		boolean isUnauthorized(CachedToken sent) {
			return this.carriedToken && TokenKeeperExchangeFilterFunction.isUnauthorized(sent, this.response);
		}

		/** The status, or 0 for a response to a hop without the token (which says nothing of it). */
		int status() {
			return this.carriedToken ? this.response.statusCode().value() : 0;
		}

	}

	/**
	 * The request with the token on its native request: a filter added after this one that
	 * sets {@code Authorization} itself wins, and request-details logging never sees it.
	 */
	private static ClientRequest withToken(ClientRequest request, CachedToken token) {
		return ClientRequest.from(request).httpRequest((httpRequest) -> {
			HttpHeaders headers = httpRequest.getHeaders();
			if (!headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
				// a DPoP proof is made here, as the request is written: one per attempt
				TokenHeaders.set(headers, token, request.method(), request.url());
			}
		}).build();
	}

}
