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
 * pass through without new token requests for a cool-down.
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
		this.tokens.invalidate(registrationId, sent.value());
		return TokenKeeperAttributes.isReplayable(attributes);
	}

	/**
	 * The replayed request got its answer: a 401 again starts the cool-down.
	 * @param registrationId the registration id
	 * @param status the status of the replayed request's response
	 */
	void replayed(String registrationId, int status) {
		if (!isUnauthorized(status)) {
			return;
		}
		this.tokens.replayRefused(registrationId, this.coolDown);
		if (logger.isWarnEnabled()) {
			logger.warn("Registration '" + registrationId + "': a fresh token was refused with 401 too; "
					+ "401s pass through without new token requests for " + this.coolDown);
		}
	}

}
