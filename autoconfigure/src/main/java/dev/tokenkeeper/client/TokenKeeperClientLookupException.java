package dev.tokenkeeper.client;

/**
 * The application's {@link TokenKeeperClientSource} failed to look a client up; the cause is
 * its exception. Not kept: the next use of the id asks again.
 *
 * @author TokenKeeper
 */
public class TokenKeeperClientLookupException extends IllegalStateException {

	private final String registrationId;

	/**
	 * Create an exception.
	 * @param registrationId the id looked up
	 * @param cause the source's failure
	 */
	public TokenKeeperClientLookupException(String registrationId, Throwable cause) {
		super("The TokenKeeperClientSource failed to look up TokenKeeper client '" + registrationId + "': "
				+ cause.getClass().getName(), cause);
		this.registrationId = registrationId;
	}

	/**
	 * The id looked up.
	 * @return the registration id
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

}
