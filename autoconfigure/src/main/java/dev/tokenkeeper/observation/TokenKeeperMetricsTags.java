package dev.tokenkeeper.observation;

/**
 * Tag names shared by TokenKeeper's meters.
 *
 * @author TokenKeeper
 */
final class TokenKeeperMetricsTags {

	/** The registration id. */
	static final String CLIENT = "client";

	private TokenKeeperMetricsTags() {
	}

}
