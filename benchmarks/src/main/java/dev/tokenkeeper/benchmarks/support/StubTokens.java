package dev.tokenkeeper.benchmarks.support;

/**
 * Token values the token endpoint stub issues and the API stub checks: {@code tk-<sequence>-<expiresAtMillis>},
 * so the API can tell which token a call carried and whether it had expired by the shared clock.
 */
public final class StubTokens {

	private static final String PREFIX = "tk-";

	private StubTokens() {
	}

	public static String encode(long sequence, long expiresAtMillis) {
		return PREFIX + sequence + "-" + expiresAtMillis;
	}

	/**
	 * Read a token value.
	 * @param value the value, without {@code Bearer }
	 * @return the token, or {@code null} when the value is not one the stub issued
	 */
	public static Issued decode(String value) {
		if (!value.startsWith(PREFIX)) {
			return null;
		}
		int dash = value.indexOf('-', PREFIX.length());
		if (dash < 0) {
			return null;
		}
		try {
			return new Issued(Long.parseLong(value, PREFIX.length(), dash, 10),
					Long.parseLong(value, dash + 1, value.length(), 10));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * A token as issued.
	 * @param sequence 1 for the first token the stub issued, 2 for the second, …
	 * @param expiresAtMillis when it expires, by the stub's clock
	 */
	public record Issued(long sequence, long expiresAtMillis) {

	}

}
