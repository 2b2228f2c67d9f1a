package dev.tokenkeeper.token;

/**
 * Creates the {@code client_assertion} of a token request (RFC 7523): a fresh JWT for every
 * token request, signed by a key built once.
 *
 * @author TokenKeeper
 */
@FunctionalInterface
public interface ClientAssertions {

	/**
	 * Create a fresh assertion for one token request.
	 * @param credentials the credentials of the token request (client id, token URI and,
	 * for {@code client-secret-jwt}, the secret)
	 * @return the compact serialization of the signed JWT
	 */
	String create(ClientCredentials credentials);

}
