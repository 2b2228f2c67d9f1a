package dev.tokenkeeper.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tokenkeeper.token.IssuedToken.LifetimeSource;

/**
 * Reads a token endpoint's answer as real providers give it: {@code token_type} compared
 * case-insensitively and Bearer when missing, {@code expires_in} as a number or a numeric
 * string, unknown fields ignored. Anything else becomes a {@link TokenEndpointException};
 * nothing else is ever thrown.
 *
 * @author TokenKeeper
 */
final class TokenResponseReader {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern TAGS = Pattern.compile("<[^>]*>");

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	/**
	 * What may be a token or a secret echoed back: a JWT, or a long run of base64/hex-like
	 * characters. Host names and URLs (dots between short labels) are left readable, so an
	 * Auth0 error still names the audience it is about.
	 */
	private static final Pattern TOKEN_LIKE = Pattern
		.compile("[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]*|[A-Za-z0-9_~+/=-]{32,}");

	private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}");

	private static final int EXCERPT_LENGTH = 120;

	/** How much of a cleaned-up error body is looked at for the excerpt. */
	private static final int EXCERPT_SOURCE_LENGTH = 2048;

	/** A provider's own error_description is written for the developer: keep all of a normal one. */
	private static final int DESCRIPTION_LENGTH = 400;

	/** Longer claimed lifetimes are cut to this, so instants never overflow. */
	static final Duration MAX_LIFETIME = Duration.ofDays(365);

	private final Clock clock;

	private final Duration maxRetryAfter;

	TokenResponseReader(Clock clock, Duration maxRetryAfter) {
		this.clock = clock;
		this.maxRetryAfter = maxRetryAfter;
	}

	/**
	 * Read one response.
	 * @param credentials what was requested
	 * @param status the HTTP status
	 * @param header a lookup of response headers by name
	 * @param body the body bytes, possibly empty
	 * @param receivedAt when the response arrived
	 * @param defaultLifetime the lifetime when the response does not tell
	 * @return the issued token
	 * @throws TokenEndpointException for anything but a usable Bearer token
	 */
	IssuedToken read(ClientCredentials credentials, int status, HeaderLookup header, byte[] body,
			Instant receivedAt, Duration defaultLifetime) {
		String id = credentials.registrationId();
		JsonNode json = parseObject(body);
		if (status >= 200 && status < 300) {
			if (json == null) {
				// A success body may be the token itself (text/plain): never quoted, however short.
				throw failure(id, TokenRequestOutcome.INVALID_RESPONSE, status, null,
						"the response is not a JSON object (" + describeBody(body, header) + ")", null);
			}
			return issued(credentials, status, json, receivedAt, defaultLifetime);
		}
		Redaction redaction = Redaction.of(credentials);
		String error = (json != null) ? firstText(json, "error", "errorName") : null;
		String description = (json != null) ? firstText(json, "error_description", "message") : null;
		if (description == null && json != null && json.path("content").isObject()) {
			description = text(json.path("content"), "message");
		}
		error = redact(error, redaction, EXCERPT_LENGTH);
		description = redact(description, redaction, DESCRIPTION_LENGTH);
		if (json == null && body.length > 0) {
			description = excerpt(body, redaction);
		}
		if (status >= 300 && status < 400) {
			throw failure(id, TokenRequestOutcome.INVALID_RESPONSE, status, error,
					"the token endpoint redirected; redirects are not followed", null);
		}
		if (status == 429 || isDisguisedRateLimit(status, error, description)) {
			throw failure(id, TokenRequestOutcome.RATE_LIMITED, status, error, description, retryAfter(header));
		}
		TokenRequestOutcome outcome = (status >= 500) ? TokenRequestOutcome.SERVER_ERROR
				: TokenRequestOutcome.CLIENT_ERROR;
		throw failure(id, outcome, status, error, description, null);
	}

	private IssuedToken issued(ClientCredentials credentials, int status, JsonNode json, Instant receivedAt,
			Duration defaultLifetime) {
		String id = credentials.registrationId();
		String accessToken = text(json, "access_token");
		if (accessToken == null || accessToken.isBlank()) {
			throw failure(id, TokenRequestOutcome.INVALID_RESPONSE, status, null,
					"the response has no access_token", null);
		}
		int invalidAt = invalidB64TokenIndex(accessToken);
		if (invalidAt >= 0) {
			// It goes into an Authorization header: CR, LF, spaces or quotes would change the request.
			throw failure(id, TokenRequestOutcome.INVALID_RESPONSE, status, null,
					"the access_token (" + accessToken.length() + " characters) is not an RFC 6750 b64token: "
							+ describeInvalid(accessToken.charAt(invalidAt)) + " at index " + invalidAt,
					null);
		}
		String tokenType = text(json, "token_type");
		// DPoP only where the registration sent a proof: otherwise the token would be unusable
		boolean dpop = credentials.dpop() != null && "dpop".equalsIgnoreCase(tokenType);
		if (tokenType != null && !tokenType.equalsIgnoreCase("bearer") && !dpop) {
			throw failure(id, TokenRequestOutcome.INVALID_RESPONSE, status, null,
					"token_type '" + redact(shorten(tokenType), Redaction.of(credentials), EXCERPT_LENGTH)
							+ "' is not supported, only Bearer"
							+ ((credentials.dpop() != null) ? " and DPoP"
									: "DPoP".equalsIgnoreCase(tokenType) ? " (set dpop.enabled for DPoP)" : ""),
					null);
		}
		Set<String> scopes = scopes(text(json, "scope"), credentials.scopes());
		Long expiresIn = expiresIn(json.get("expires_in"));
		if (expiresIn != null && expiresIn > 0) {
			return new IssuedToken(accessToken, scopes, receivedAt, capped(expiresIn), LifetimeSource.EXPIRES_IN, dpop);
		}
		Duration fromJwt = jwtLifetime(accessToken);
		if (fromJwt != null) {
			return new IssuedToken(accessToken, scopes, receivedAt, fromJwt, LifetimeSource.JWT_EXP, dpop);
		}
		return new IssuedToken(accessToken, scopes, receivedAt, defaultLifetime, LifetimeSource.DEFAULT, dpop);
	}

	/**
	 * Where a value leaves RFC 6750's {@code b64token}:
	 * {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}.
	 * @return the index of the first character that does not fit, or {@code -1}
	 */
	static int invalidB64TokenIndex(String value) {
		int length = value.length();
		int end = length;
		while (end > 0 && value.charAt(end - 1) == '=') {
			end--;
		}
		if (end == 0) {
			return 0;
		}
		for (int i = 0; i < end; i++) {
			char c = value.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
			if (!allowed) {
				return i;
			}
		}
		return -1;
	}

	/** What kind of character it is, never the value around it. */
	private static String describeInvalid(char c) {
		if (c == '\r' || c == '\n') {
			return "a line break";
		}
		if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
			return "whitespace";
		}
		if (Character.isISOControl(c)) {
			return "a control character";
		}
		if (c > 0x7e) {
			return "a non-ASCII character";
		}
		return "'" + c + "'";
	}

	private static Set<String> scopes(@Nullable String granted, List<String> requested) {
		if (granted == null || granted.isBlank()) {
			return Set.copyOf(requested);
		}
		return Set.copyOf(new LinkedHashSet<>(List.of(WHITESPACE.split(granted.trim()))));
	}

	private static Duration capped(long seconds) {
		return (seconds >= MAX_LIFETIME.toSeconds()) ? MAX_LIFETIME : Duration.ofSeconds(seconds);
	}

	private static @Nullable Long expiresIn(@Nullable JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isNumber()) {
			return seconds(node.asDouble());
		}
		if (node.isString()) {
			try {
				return seconds(Double.parseDouble(node.asString().trim()));
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	/** Whole seconds of a finite number, saturated at the long range. */
	private static @Nullable Long seconds(double value) {
		return Double.isFinite(value) ? (long) value : null;
	}

	private static @Nullable Long claim(JsonNode claims, String name) {
		JsonNode node = claims.get(name);
		return (node != null && node.isNumber()) ? seconds(node.asDouble()) : null;
	}

	/** {@code exp - iat} when both are present, else {@code exp - now}; decoded, never verified. */
	private @Nullable Duration jwtLifetime(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		JsonNode claims;
		try {
			claims = parseObject(Base64.getUrlDecoder().decode(stripPadding(parts[1])));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		Long exp = (claims != null) ? claim(claims, "exp") : null;
		if (exp == null) {
			return null;
		}
		Long iat = claim(claims, "iat");
		double seconds = (iat != null) ? (double) exp - iat : (double) exp - this.clock.instant().getEpochSecond();
		return (seconds >= 1) ? capped((long) Math.min(seconds, Long.MAX_VALUE)) : null;
	}

	private static String stripPadding(String base64) {
		int end = base64.length();
		while (end > 0 && base64.charAt(end - 1) == '=') {
			end--;
		}
		return base64.substring(0, end);
	}

	private @Nullable Duration retryAfter(HeaderLookup header) {
		Instant now = this.clock.instant();
		Duration wait = null;
		String retryAfter = header.get("Retry-After");
		if (retryAfter != null) {
			wait = parseRetryAfter(retryAfter.trim(), now);
		}
		String reset = header.get("x-ratelimit-reset");
		if (wait == null && reset != null) {
			try {
				wait = Duration.between(now, Instant.ofEpochSecond(Long.parseLong(reset.trim())));
			}
			catch (NumberFormatException | java.time.DateTimeException ex) {
				wait = null;
			}
		}
		if (wait == null) {
			return null;
		}
		if (wait.isNegative()) {
			return Duration.ZERO;
		}
		return (wait.compareTo(this.maxRetryAfter) > 0) ? this.maxRetryAfter : wait;
	}

	private static @Nullable Duration parseRetryAfter(String value, Instant now) {
		try {
			return Duration.ofSeconds(Long.parseLong(value));
		}
		catch (NumberFormatException ex) {
			try {
				return Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
			}
			catch (DateTimeParseException dateEx) {
				return null;
			}
		}
	}

	/** Auth0 sometimes reports its rate limit as a 500 with an {@code access_denied} body. */
	private static boolean isDisguisedRateLimit(int status, @Nullable String error, @Nullable String description) {
		if (status < 500) {
			return false;
		}
		String words = ((error != null) ? error : "") + " " + ((description != null) ? description : "");
		words = words.toLowerCase(Locale.ROOT);
		return words.contains("too_many_requests") || words.contains("too many requests")
				|| words.contains("rate limit") || words.contains("limit has been reached");
	}

	private static @Nullable JsonNode parseObject(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			JsonNode node = JSON.readTree(body);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (RuntimeException ex) {
			// JacksonException included: whatever the bytes, the caller gets a TokenEndpointException
			return null;
		}
	}

	private static @Nullable String firstText(JsonNode json, String... names) {
		for (String name : names) {
			String value = text(json, name);
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	private static @Nullable String text(JsonNode json, String name) {
		JsonNode node = json.get(name);
		return (node != null && node.isString()) ? node.asString() : null;
	}

	/** A success body that is not a token response: its size and type, never its content. */
	private static String describeBody(byte[] body, HeaderLookup header) {
		if (body.length == 0) {
			return "empty body";
		}
		return body.length + " bytes of " + mediaType(header.get("Content-Type"));
	}

	private static String mediaType(@Nullable String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return "no content type";
		}
		int parameters = contentType.indexOf(';');
		String type = ((parameters >= 0) ? contentType.substring(0, parameters) : contentType).trim();
		return MEDIA_TYPE.matcher(type).matches() ? type : "an unreadable content type";
	}

	/**
	 * A short excerpt of a non-JSON error body, without markup, secrets or anything
	 * token-like. The secret is redacted in the whole body first, before markup and
	 * whitespace are removed and before it is cut, and again after.
	 */
	static String excerpt(byte[] body, Redaction redaction) {
		String text = redaction.apply(new String(body, StandardCharsets.UTF_8));
		text = TAGS.matcher(text).replaceAll(" ");
		text = text.replaceAll("\\p{Cntrl}", " ");
		text = WHITESPACE.matcher(text).replaceAll(" ").trim();
		if (text.length() > EXCERPT_SOURCE_LENGTH) {
			text = text.substring(0, EXCERPT_SOURCE_LENGTH);
		}
		text = redact(text, redaction, EXCERPT_LENGTH);
		if (text.isEmpty()) {
			return "body of " + body.length + " bytes, not JSON";
		}
		return "\"" + text + "\"";
	}

	/**
	 * Text from a provider or an exception with the secret, the token URI's query and
	 * anything token-like removed.
	 */
	static @Nullable String redact(@Nullable String text, ClientCredentials credentials) {
		return redact(text, Redaction.of(credentials), EXCERPT_LENGTH);
	}

	private static @Nullable String redact(@Nullable String text, Redaction redaction, int maxLength) {
		if (text == null) {
			return null;
		}
		text = redaction.apply(text);
		return shorten(TOKEN_LIKE.matcher(text).replaceAll(Redaction.REDACTED), maxLength);
	}

	private static String shorten(String text) {
		return shorten(text, EXCERPT_LENGTH);
	}

	private static String shorten(String text, int maxLength) {
		return (text.length() > maxLength) ? text.substring(0, maxLength) + "…" : text;
	}

	private static TokenEndpointException failure(String id, TokenRequestOutcome outcome, int status,
			@Nullable String error, @Nullable String description, @Nullable Duration retryAfter) {
		return new TokenEndpointException(id, outcome, status, error, description, retryAfter, null);
	}

	/** Response headers by case-insensitive name. */
	@FunctionalInterface
	interface HeaderLookup {

		@Nullable String get(String name);

	}

}
