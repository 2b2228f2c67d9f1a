package dev.tokenkeeper.web;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.routing.TokenRouter;

/**
 * Puts the right bearer token on outgoing {@code WebClient} requests. Added to every
 * {@code WebClient} built from Spring Boot's {@code WebClient.Builder}; for other WebClients:
 * <pre class="code">
 * WebClient.builder().filter(tokenKeeperExchangeFilterFunction).build();
 * </pre>
 * The registration is the one named by {@link TokenKeeperAttributes#client(String)} or by
 * Spring Security's {@code clientRegistrationId} attribute, else the one whose
 * {@code base-urls} entry is the longest match of the URL. Requests that match nothing, or
 * already carry {@code Authorization}, go out untouched.
 * <p>
 * The header is set on the native request, which Spring's request-details logging does not
 * print. On a 401 the token is dropped (if still cached) and the request replayed once with a
 * new one; see {@link TokenKeeperAttributes#noReplay()}.
 *
 * @author TokenKeeper
 */
public final class TokenKeeperExchangeFilterFunction implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(TokenKeeperExchangeFilterFunction.class);

	private final TokenCache tokens;

	private final TokenRouter router;

	private final Duration unauthorizedCoolDown;

	private final Predicate<String> othersManage;

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
		this.tokens = tokens;
		this.router = router;
		this.unauthorizedCoolDown = unauthorizedCoolDown;
		this.othersManage = othersManage;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (request.headers().containsHeader(HttpHeaders.AUTHORIZATION)) {
			return next.exchange(request);
		}
		Map<String, Object> attributes = request.attributes();
		String named = TokenKeeperAttributes.namedRegistration(attributes);
		if (named != null && !TokenKeeperAttributes.isOurs(attributes) && !this.router.isKnown(named)
				&& this.othersManage.test(named)) {
			return next.exchange(request);
		}
		String registrationId;
		try {
			registrationId = this.router.route(request.url(), named);
		}
		catch (RuntimeException ex) {
			return Mono.error(ex);
		}
		if (registrationId == null) {
			return next.exchange(request);
		}
		return this.tokens.token(registrationId)
			.flatMap((token) -> next.exchange(withToken(request, token))
				.flatMap((response) -> (response.statusCode().value() == HttpStatus.UNAUTHORIZED.value())
						? unauthorized(request, next, token, response) : Mono.just(response)));
	}

	private Mono<ClientResponse> unauthorized(ClientRequest request, ExchangeFunction next, CachedToken sent,
			ClientResponse response) {
		String registrationId = sent.registrationId();
		if (!this.tokens.isReplayAllowed(registrationId)) {
			return Mono.just(response);
		}
		this.tokens.invalidate(registrationId, sent.value());
		if (!TokenKeeperAttributes.isReplayable(request.attributes())) {
			return Mono.just(response);
		}
		return response.releaseBody()
			.then(this.tokens.token(registrationId))
			.flatMap((token) -> next.exchange(withToken(request, token)))
			.map((replayed) -> {
				if (replayed.statusCode().value() == HttpStatus.UNAUTHORIZED.value()) {
					this.tokens.replayRefused(registrationId, this.unauthorizedCoolDown);
					if (logger.isWarnEnabled()) {
						logger.warn("Registration '" + registrationId + "': a fresh token was refused with 401 too; "
								+ "401s pass through without new token requests for " + this.unauthorizedCoolDown);
					}
				}
				return replayed;
			});
	}

	/**
	 * The request with the token on its native request: a filter added after this one that
	 * sets {@code Authorization} itself wins, and request-details logging never sees it.
	 */
	private static ClientRequest withToken(ClientRequest request, CachedToken token) {
		String value = token.value();
		return ClientRequest.from(request).httpRequest((httpRequest) -> {
			HttpHeaders headers = httpRequest.getHeaders();
			if (!headers.containsHeader(HttpHeaders.AUTHORIZATION)) {
				headers.setBearerAuth(value);
			}
		}).build();
	}

}
