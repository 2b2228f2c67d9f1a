package dev.tokenkeeper.keys;

/**
 * A PEM text holds no usable private key. The message says why in words and never shows key
 * material; callers rethrow it as their own exception, naming their own property.
 *
 * @author TokenKeeper
 */
public class UnreadablePemKeyException extends IllegalArgumentException {

	private final Problem problem;

	UnreadablePemKeyException(Problem problem, String message) {
		super(message);
		this.problem = problem;
	}

	/**
	 * What kind of problem it is, for callers that word some of them their own way.
	 * @return the problem
	 */
	public Problem getProblem() {
		return this.problem;
	}

	/**
	 * The kinds of unreadable key.
	 */
	public enum Problem {

		/** No PEM block, or one that is no private key, comes first. */
		NO_PEM_BLOCK,

		/** The block's Base64 cannot be decoded. */
		NOT_BASE64,

		/** A PKCS#8 block of none of the accepted key algorithms. */
		UNSUPPORTED_KEY,

		/** The public key can be neither read after the private key nor derived from it. */
		UNDERIVABLE_PUBLIC_KEY,

		/** A malformed key, or a certificate or public key that does not belong to it. */
		MALFORMED

	}

}
