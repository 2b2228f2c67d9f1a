package dev.tokenkeeper.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response reader, fed arbitrary bytes and mutated real responses, only ever returns a
 * token or throws {@link TokenEndpointException}. Seeded, so a failure reproduces; run longer
 * with {@code ./mvnw -pl autoconfigure test -Dtest=TokenResponseReaderFuzzTests
 * -Dtokenkeeper.fuzz.iterations=2000000 -Dtokenkeeper.fuzz.seed=<n>}.
 */
class TokenResponseReaderFuzzTests {

	private static final String SECRET = "fuzz-secret";

	private static final List<String> SEEDS = List.of(
			"{\"access_token\":\"eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjE1ODY4MDE2NzIsImV4cCI6MTU4Njg4ODA3Mn0.c2ln\",\"token_type\":\"Bearer\"}",
			"{\"access_token\":\"s8KYRJGTO0rWMy0zz1CCSCwsSesDyDlbNdZoRqVR\",\"token_type\":\"bearer\",\"expires_in\":3600,\"expires\":1429041836}",
			"{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":\"3599\"}",
			"{\"access_token\":\"abc\",\"expires_in\":3600}",
			"{\"access_token\":\"abc\",\"token_type\":\"DPoP\",\"expires_in\":3600}",
			"{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_expires_in\":0,\"not-before-policy\":0,\"scope\":\"profile email\"}",
			"{\"error\":\"access_denied\",\"error_description\":\"Global limit has been reached\"}",
			"{\"errorName\":\"TooManyRequestsError\",\"content\":{\"message\":\"Too many requests\"}}",
			"<html><body><h1>502 Bad Gateway</h1></body></html>", "{\"token_type\":\"Bearer\",\"expires_in\":3600}");

	private static final int[] STATUSES = { 200, 201, 204, 301, 307, 400, 401, 403, 415, 429, 500, 502, 503, 504 };

	private final TokenResponseReader reader = new TokenResponseReader(
			Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofMinutes(10));

	private final ClientCredentials credentials = new ClientCredentials("fuzz", ProviderProfile.BASIC_FORM,
			URI.create("https://localhost/token"), "client", SECRET, null, List.of("read"), Map.of());

	@Test
	void readWhenArbitraryOrMutatedInputThenTokenOrDocumentedException() {
		long seed = Long.getLong("tokenkeeper.fuzz.seed", 20261122L);
		int iterations = Integer.getInteger("tokenkeeper.fuzz.iterations", 30_000);
		Random random = new Random(seed);
		int tokens = 0;
		int rejections = 0;
		for (int i = 0; i < iterations; i++) {
			byte[] body = (i % 4 == 0) ? randomBytes(random) : mutate(random, SEEDS.get(random.nextInt(SEEDS.size())));
			int status = STATUSES[random.nextInt(STATUSES.length)];
			String retryAfter = (random.nextInt(4) == 0) ? randomText(random, 12) : null;
			try {
				IssuedToken token = this.reader.read(this.credentials, status,
						(name) -> name.equalsIgnoreCase("Retry-After") ? retryAfter : null, body,
						Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(5));
				assertThat(status).as("a token only from a 2xx").isBetween(200, 299);
				assertThat(token.value()).isNotBlank();
				assertThat(token.lifetime()).isPositive();
				tokens++;
			}
			catch (TokenEndpointException ex) {
				assertThat(ex.getMessage()).as("seed %d iteration %d", seed, i).doesNotContain(SECRET);
				assertThat(ex.getClientRegistrationId()).isEqualTo("fuzz");
				rejections++;
			}
			catch (Throwable ex) {
				throw new AssertionError("seed " + seed + " iteration " + i + ": undocumented " + ex + " for body "
						+ new String(body, StandardCharsets.ISO_8859_1), ex);
			}
		}
		// both branches were exercised, so the run proves something about each
		assertThat(tokens).isGreaterThan(iterations / 100);
		assertThat(rejections).isGreaterThan(iterations / 10);
	}

	private static byte[] randomBytes(Random random) {
		byte[] bytes = new byte[random.nextInt(200)];
		random.nextBytes(bytes);
		return bytes;
	}

	private static String randomText(Random random, int maxLength) {
		StringBuilder text = new StringBuilder();
		int length = random.nextInt(maxLength + 1);
		for (int i = 0; i < length; i++) {
			text.append((char) (32 + random.nextInt(95)));
		}
		return text.toString();
	}

	private static byte[] mutate(Random random, String seed) {
		byte[] bytes = seed.replace("\"expires_in\":3600", "\"expires_in\":" + mutatedNumber(random))
			.getBytes(StandardCharsets.UTF_8);
		int mutations = random.nextInt(4);
		for (int m = 0; m < mutations && bytes.length > 0; m++) {
			int at = random.nextInt(bytes.length);
			switch (random.nextInt(4)) {
				case 0 -> bytes[at] = (byte) random.nextInt(256);
				case 1 -> bytes = java.util.Arrays.copyOf(bytes, at);
				case 2 -> {
					byte[] longer = new byte[bytes.length + 1];
					System.arraycopy(bytes, 0, longer, 0, at);
					longer[at] = "{}[]\",:0\\e-.".getBytes(StandardCharsets.UTF_8)[random.nextInt(12)];
					System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
					bytes = longer;
				}
				default -> bytes[at] = ' ';
			}
		}
		return bytes;
	}

	private static String mutatedNumber(Random random) {
		String[] numbers = { "0", "-1", "1e308", "99999999999999999999", "\"\"", "\"12abc\"", "null", "true", "[]",
				"{}", "3.7", "\"NaN\"", "\"-5\"", "9223372036854775807" };
		return numbers[random.nextInt(numbers.length)];
	}

}
