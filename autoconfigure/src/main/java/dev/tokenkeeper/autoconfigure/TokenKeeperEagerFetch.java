package dev.tokenkeeper.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.token.TokenEndpointException;

/**
 * With {@code tokenkeeper.eager=true}, requests every registration's token once the
 * application is ready, so the first calls find a cached token and health reports real
 * states from the start. Never delays or fails the start-up: the requests run in the
 * background and a failure is only logged.
 *
 * @author TokenKeeper
 */
final class TokenKeeperEagerFetch implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(TokenKeeperEagerFetch.class);

	private final TokenCache tokens;

	TokenKeeperEagerFetch(TokenCache tokens) {
		this.tokens = tokens;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		this.tokens.registrationIds().forEach((id) -> this.tokens.token(id).subscribe((token) -> {
			if (logger.isDebugEnabled()) {
				logger.debug("Fetched token " + token.fingerprint() + " of registration '" + id + "' at start-up");
			}
		}, (ex) -> {
			// The cache has already logged a failed token request as a warning.
			if (!(ex instanceof TokenEndpointException) && logger.isWarnEnabled()) {
				logger.warn("Could not fetch the token of registration '" + id + "' at start-up: " + ex.getMessage());
			}
		}));
	}

}
