package dev.tokenkeeper.routing;

/**
 * An outgoing request names a registration that cannot give it a token: unknown, or not
 * configured for the request's URL. The request is not sent.
 *
 * @author TokenKeeper
 */
public class TokenRoutingException extends IllegalStateException {

	/**
	 * Create an exception.
	 * @param message what is wrong and which property to look at
	 */
	public TokenRoutingException(String message) {
		super(message);
	}

}
