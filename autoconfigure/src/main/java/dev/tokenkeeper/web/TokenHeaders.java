package dev.tokenkeeper.web;

import java.net.URI;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.dpop.DpopProofs;

/**
 * The headers a token goes out with, for the WebClient filter and the RestClient interceptor
 * alike: {@code Authorization: Bearer}, or for a DPoP-bound token {@code Authorization: DPoP}
 * and a {@code DPoP} proof made for this very request; and what a DPoP answer asks for.
 *
 * @author TokenKeeper
 */
final class TokenHeaders {

	private static final Log logger = LogFactory.getLog(TokenHeaders.class);

	private TokenHeaders() {
	}

	/**
	 * Put the token (and, for a DPoP-bound one, a fresh proof) on a request's headers.
	 * @param headers the request headers
	 * @param token the token
	 * @param method the request method
	 * @param url the request URL
	 */
	static void set(HttpHeaders headers, CachedToken token, HttpMethod method, URI url) {
		DpopProofs dpop = token.dpop();
		if (dpop == null) {
			headers.setBearerAuth(token.value());
			return;
		}
		headers.set(HttpHeaders.AUTHORIZATION, DpopProofs.HEADER + " " + token.value());
		headers.set(DpopProofs.HEADER, dpop.proof(method.name(), url, token.value()));
	}

	/**
	 * Hear a response to a request that carried {@code sent}: remember the nonce it brings,
	 * and say whether it asks for one the proof lacked ({@code 401} with a
	 * {@code use_dpop_nonce} challenge), so the request is sent once more with it.
	 * @param sent the token the request carried
	 * @param url the request URL
	 * @param status the response status
	 * @param headers the response headers
	 * @return whether to send the request again with the nonce
	 */
	static boolean asksForNonce(CachedToken sent, URI url, int status, HttpHeaders headers) {
		DpopProofs dpop = sent.dpop();
		if (dpop == null) {
			return false;
		}
		return dpop.nonce(url, headers.getFirst(DpopProofs.NONCE_HEADER))
				&& DpopProofs.isNonceChallenge(status, headers.get(HttpHeaders.WWW_AUTHENTICATE));
	}

	/**
	 * Whether a response is a nonce challenge still, after the retry with the nonce: then it
	 * goes to the caller as it is, never into the 401 replay (the token is not the problem).
	 * @param sent the token the request carried
	 * @param status the response status
	 * @param headers the response headers
	 * @return whether it is a nonce challenge
	 */
	static boolean isNonceChallenge(CachedToken sent, int status, HttpHeaders headers) {
		boolean challenge = sent.dpop() != null
				&& DpopProofs.isNonceChallenge(status, headers.get(HttpHeaders.WWW_AUTHENTICATE));
		if (challenge && logger.isWarnEnabled()) {
			logger.warn("Registration '" + sent.registrationId() + "': the API asked for a new DPoP nonce again "
					+ "after a retry with the one it sent; the 401 goes to the caller");
		}
		return challenge;
	}

}
