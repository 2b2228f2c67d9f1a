package dev.tokenkeeper.actuate;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Web extension of the {@link TokenKeeperEndpoint}: {@code DELETE} of an unknown
 * registration answers 404.
 *
 * @author TokenKeeper
 */
@EndpointWebExtension(endpoint = TokenKeeperEndpoint.class)
public class TokenKeeperEndpointWebExtension {

	private final TokenKeeperEndpoint delegate;

	/**
	 * Create the extension.
	 * @param delegate the endpoint
	 */
	public TokenKeeperEndpointWebExtension(TokenKeeperEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Drop a registration's cached token.
	 * @param client the registration id
	 * @return 200 with what was done, or 404 when the registration is unknown
	 */
	@DeleteOperation
	public WebEndpointResponse<TokenKeeperEndpoint.EvictionDescriptor> evict(@Selector String client) {
		TokenKeeperEndpoint.EvictionDescriptor eviction = this.delegate.evict(client);
		return (eviction != null) ? new WebEndpointResponse<>(eviction)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
