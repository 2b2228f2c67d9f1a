package dev.tokenkeeper.routing;

import java.net.URI;
import java.util.Locale;

/**
 * Loopback hosts, where plain {@code http} may carry credentials and tokens: {@code localhost},
 * {@code 127.0.0.0/8} and {@code ::1}, judged from the literal host (no DNS lookup).
 *
 * @author TokenKeeper
 */
public final class Loopback {

	private Loopback() {
	}

	/**
	 * Whether a URL may carry a secret or a token: {@code https}, or {@code http} to loopback.
	 * @param url the URL
	 * @return whether it is safe
	 */
	public static boolean isSecure(URI url) {
		String scheme = BaseUrl.scheme(url);
		String host = BaseUrl.host(url);
		if (scheme == null || host == null) {
			return false;
		}
		return scheme.equals("https") || isLoopbackHost(host);
	}

	/**
	 * Whether the host is loopback.
	 * @param host a host as {@link URI#getHost()} gives it
	 * @return whether it is {@code localhost}, {@code 127.x.x.x} or {@code [::1]}
	 */
	public static boolean isLoopbackHost(String host) {
		String h = host.toLowerCase(Locale.ROOT);
		if (h.endsWith(".")) {
			h = h.substring(0, h.length() - 1);
		}
		if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
				|| h.equals("[0:0:0:0:0:0:0:1]")) {
			return true;
		}
		String[] octets = h.split("\\.", -1);
		if (octets.length != 4 || !octets[0].equals("127")) {
			return false;
		}
		for (String octet : octets) {
			if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)
					|| Integer.parseInt(octet) > 255) {
				return false;
			}
		}
		return true;
	}

}
