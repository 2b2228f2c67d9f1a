package dev.tokenkeeper.dpop;

/**
 * A configured DPoP key cannot be used. The message says why in words and never shows key
 * material; {@link #isAlgorithmMismatch()} tells which property to blame.
 *
 * @author TokenKeeper
 */
public class InvalidDpopKeyException extends IllegalArgumentException {

	private final boolean algorithmMismatch;

	InvalidDpopKeyException(boolean algorithmMismatch, String message) {
		super(message);
		this.algorithmMismatch = algorithmMismatch;
	}

	/**
	 * Whether the key is a good key of another kind than the algorithm needs (so
	 * {@code dpop.algorithm} is the property to change), rather than no usable key at all.
	 * @return whether the key and the algorithm do not fit
	 */
	public boolean isAlgorithmMismatch() {
		return this.algorithmMismatch;
	}

}
