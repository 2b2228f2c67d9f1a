package dev.tokenkeeper.token;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Token endpoint URIs as they may be shown in traces, the Actuator endpoint and health.
 *
 * @author TokenKeeper
 */
public final class TokenUris {

	private TokenUris() {
	}

	/**
	 * The URI without user-info, query or fragment, any of which could carry a credential.
	 * @param uri the token endpoint
	 * @return scheme, host, port and path
	 */
	public static String display(URI uri) {
		try {
			return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
		}
		catch (URISyntaxException ex) {
			return "(invalid URI)";
		}
	}

}
