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
		if (!h.startsWith("127.")) {
			return false;
		}
		// four dot-separated decimal octets, ASCII digits only, each at most 255
		int octets = 0;
		for (int start = 0; start <= h.length(); octets++) {
			int end = h.indexOf('.', start);
			if (end < 0) {
				end = h.length();
			}
			if (end == start || end - start > 3) {
				return false;
			}
			int value = 0;
			for (int i = start; i < end; i++) {
				char c = h.charAt(i);
				if (c < '0' || c > '9') {
					return false;
				}
				value = value * 10 + (c - '0');
			}
			if (value > 255) {
				return false;
			}
			start = end + 1;
		}
		return octets == 4;
	}

}
