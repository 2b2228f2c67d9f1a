package dev.tokenkeeper.benchmarks.load;

/**
 * Who handles the tokens in a load run.
 */
public enum Side {

	/** TokenKeeper, with the defaults of {@code tokenkeeper.*}. */
	TOKENKEEPER("tokenkeeper"),

	/** Spring Security's stock stack as documented, with its defaults. */
	STOCK("stock"),

	/** The stock stack with a 30 s clock skew instead of 60 s (simulated hour only). */
	STOCK_SKEW_30S("stock, clockSkew 30 s"),

	/** The stock stack with a failure handler that drops the token on 401 (401 storm only). */
	STOCK_REMOVE_ON_401("stock + RemoveAuthorizedClient handler");

	private final String label;

	Side(String label) {
		this.label = label;
	}

	public String label() {
		return this.label;
	}

}
