package dev.tokenkeeper.token;

import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.routing.Loopback;

/**
 * Token endpoint URIs as they may be shown in traces, the Actuator endpoint and health.
 *
 * @author TokenKeeper
 */
public final class TokenUris {

	private TokenUris() {
	}

	/**
	 * Why a token endpoint (configured as {@code token-uri} or discovered from an issuer's
	 * metadata) may not be used, or {@code null} when it may: it must be an absolute https
	 * URI without user-info; http only on loopback hosts.
	 * @param tokenUri the token endpoint
	 * @return the reason, or {@code null}
	 */
	public static @Nullable String problem(String tokenUri) {
		URI uri;
		try {
			uri = new URI(tokenUri.trim());
		}
		catch (URISyntaxException ex) {
			return "is not a valid URI";
		}
		String scheme = uri.getScheme();
		if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
				|| uri.getHost() == null) {
			return "must be an absolute https URI";
		}
		if (uri.getRawUserInfo() != null) {
			return "must not carry user-info; use client-id and client-secret";
		}
		if (!Loopback.isSecure(uri)) {
			return "must use https: plain http would send the client secret in clear text "
					+ "(http is allowed on localhost, 127.0.0.0/8 and ::1 only)";
		}
		return null;
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
