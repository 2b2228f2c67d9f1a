package dev.tokenkeeper.web;

import java.time.Duration;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;

import dev.tokenkeeper.cache.CachedToken;
import dev.tokenkeeper.cache.TokenCache;

/**
 * What a 401 from an API does to TokenKeeper's tokens, for the WebClient filter and the
 * RestClient interceptor alike: the token the request sent is dropped if it is still the
 * cached one (so many concurrent 401s cause one new token request), the request is replayed
 * once with a fresh token, and a registration whose fresh tokens are refused too lets 401s
 * pass through without new token requests for a cool-down. A fresh token is one fetched after
 * a 401 dropped its predecessor, until a response accepts it; a 401 on it starts the cool-down
 * whether it came to a replay or to a request that may not be replayed.
 *
 * @author TokenKeeper
 */
final class UnauthorizedReplay {

	private static final Log logger = LogFactory.getLog(UnauthorizedReplay.class);

	private final TokenCache tokens;

	private final Duration coolDown;

	/**
	 * Create the replay rules.
	 * @param tokens the token cache
	 * @param coolDown how long 401s pass through after a replay was refused
	 */
	UnauthorizedReplay(TokenCache tokens, Duration coolDown) {
		this.tokens = tokens;
		this.coolDown = coolDown;
	}

	static boolean isUnauthorized(int status) {
		return status == HttpStatus.UNAUTHORIZED.value();
	}

	/**
	 * A request that sent {@code sent} got 401: drop the token unless the registration is
	 * cooling down, and say whether to replay.
	 * @param sent the token the request carried
	 * @param attributes the request attributes ({@link TokenKeeperAttributes#noReplay()})
	 * @return whether to replay the request with a fresh token; if not, the 401 goes to the
	 * caller
	 */
	boolean shouldReplay(CachedToken sent, Map<String, Object> attributes) {
		String registrationId = sent.registrationId();
		if (!this.tokens.isReplayAllowed(registrationId)) {
			return false;
		}
		if (this.tokens.isFreshTokenRefused(sent)) {
			refused(sent);
			return false;
		}
		this.tokens.invalidate(registrationId, sent.value());
		return TokenKeeperAttributes.isReplayable(attributes);
	}

	/**
	 * A request that sent {@code sent} got an answer other than 401.
	 * @param sent the token the request carried
	 */
	void accepted(CachedToken sent) {
		this.tokens.accepted(sent);
	}

	/**
	 * The replayed request got its answer: a 401 again starts the cool-down.
	 * @param sent the token the replayed request carried
	 * @param status the status of the replayed request's response
	 */
	void replayed(CachedToken sent, int status) {
		if (isUnauthorized(status)) {
			refused(sent);
		}
		else {
			accepted(sent);
		}
	}

	private void refused(CachedToken sent) {
		this.tokens.replayRefused(sent, this.coolDown);
		if (logger.isWarnEnabled()) {
			logger.warn("Registration '" + sent.registrationId() + "': a fresh token was refused with 401 too; "
					+ "401s pass through without new token requests for " + this.coolDown);
		}
	}

}
