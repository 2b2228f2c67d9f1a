package dev.tokenkeeper.assertion;

/**
 * A signing key that cannot be used: missing, unreadable, encrypted, malformed, or not fit
 * for the algorithm. The message says what is wrong and never shows key material.
 *
 * @author TokenKeeper
 */
public class InvalidSigningKeyException extends RuntimeException {

	private final Subject subject;

	InvalidSigningKeyException(Subject subject, String reason) {
		super(reason);
		this.subject = subject;
	}

	/**
	 * What the problem is about, so configuration errors name the right property.
	 * @return the subject
	 */
	public Subject getSubject() {
		return this.subject;
	}

	/**
	 * What a problem is about.
	 */
	public enum Subject {

		/** The key itself ({@code jwt.signing-key}, {@code jwt.ssl-bundle}). */
		KEY,

		/** The algorithm the key should sign with ({@code jwt.algorithm}). */
		ALGORITHM

	}

}
