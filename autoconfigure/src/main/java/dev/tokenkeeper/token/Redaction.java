package dev.tokenkeeper.token;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What must never appear in a message about one registration's token request: the client
 * secret in every form it travels in or a provider may echo it back in (as configured,
 * form-encoded, JSON-escaped, Base64 on its own or inside the Basic {@code id:secret} pair),
 * and the token URI's user-info, query and fragment.
 * <p>
 * Each form also matches with whitespace or control characters between its characters, so a
 * secret that a provider wrapped over lines, or that itself holds whitespace, is found in the
 * raw text, before anything collapses whitespace.
 *
 * @author TokenKeeper
 */
final class Redaction {

	static final String REDACTED = "[redacted]";

	/** Between any two characters of a form: what wrapping or pretty-printing may insert. */
	private static final String GAP = "[\\s\\p{Cntrl}]*";

	/**
	 * The shortest run of Base64 characters worth redacting where the secret sits inside a
	 * longer Base64 value; shorter runs give away too little of it to matter.
	 */
	private static final int MIN_BASE64_RUN = 8;

	private final @Nullable Pattern pattern;

	private Redaction(@Nullable Pattern pattern) {
		this.pattern = pattern;
	}

	/**
	 * The redaction for one registration's secret and token URI.
	 * @param credentials the registration's credentials
	 * @return the redaction
	 */
	static Redaction of(ClientCredentials credentials) {
		Set<String> forms = new LinkedHashSet<>();
		String secret = credentials.clientSecret();
		if (secret != null && !secret.isEmpty()) {
			addSecretForms(forms, credentials.clientId(), secret);
		}
		URI uri = credentials.tokenUri();
		if (uri != null) {
			addIfPresent(forms, uri.getRawUserInfo(), uri.getUserInfo(), uri.getRawQuery(), uri.getQuery(),
					uri.getRawFragment(), uri.getFragment());
		}
		// Longest first: where one form contains another, the whole of it goes.
		forms.removeIf(Redaction::isBlank);
		List<String> ordered = new ArrayList<>(forms);
		ordered.sort(Comparator.comparingInt(String::length).reversed());
		StringBuilder regex = new StringBuilder();
		if (ordered.isEmpty()) {
			return new Redaction(null);
		}
		for (String form : ordered) {
			if (regex.length() > 0) {
				regex.append('|');
			}
			appendSpaced(regex, form);
		}
		return new Redaction(Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE));
	}

	private static void addSecretForms(Set<String> forms, @Nullable String clientId, String secret) {
		String formEncoded = urlEncode(secret);
		forms.add(secret);
		forms.add(formEncoded);
		forms.add(formEncoded.replace("+", "%20"));
		for (boolean escapeSlash : new boolean[] { false, true }) {
			for (boolean escapeNonAscii : new boolean[] { false, true }) {
				forms.add(jsonEscaped(secret, escapeSlash, escapeNonAscii));
			}
		}
		for (String value : List.of(secret, formEncoded)) {
			addBase64Forms(forms, value.getBytes(StandardCharsets.UTF_8));
		}
		if (clientId != null) {
			// RFC 6749 2.3.1 encodes both before the pair; some clients and echoes do not
			addBase64Forms(forms, (urlEncode(clientId) + ":" + formEncoded).getBytes(StandardCharsets.UTF_8));
			addBase64Forms(forms, (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
		}
	}

	/**
	 * The bytes' Base64 in both alphabets, padded and not, and the characters that encode
	 * only these bytes wherever they sit inside a longer Base64 value (three alignments).
	 */
	private static void addBase64Forms(Set<String> forms, byte[] bytes) {
		for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
			String whole = encoder.encodeToString(bytes);
			forms.add(whole);
			forms.add(stripPadding(whole));
			for (int offset = 1; offset <= 2; offset++) {
				byte[] shifted = new byte[offset + bytes.length];
				System.arraycopy(bytes, 0, shifted, offset, bytes.length);
				String encoded = stripPadding(encoder.encodeToString(shifted));
				// characters whose six bits all come from the bytes
				int first = (8 * offset + 5) / 6;
				int end = (8 * (offset + bytes.length)) / 6;
				if (end - first >= MIN_BASE64_RUN) {
					forms.add(encoded.substring(first, end));
				}
			}
			int end = (8 * bytes.length) / 6;
			if (end >= MIN_BASE64_RUN) {
				forms.add(whole.substring(0, end));
			}
		}
	}

	private static void addIfPresent(Set<String> forms, @Nullable String... values) {
		for (String value : values) {
			if (value != null && !value.isEmpty()) {
				forms.add(value);
			}
		}
	}

	/**
	 * The form's characters with a gap allowed between any two; its own whitespace is a gap
	 * too, so it still matches once whitespace was collapsed.
	 */
	private static void appendSpaced(StringBuilder regex, String form) {
		boolean first = true;
		regex.append("(?:");
		for (int i = 0; i < form.length(); i++) {
			char c = form.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c)) {
				continue;
			}
			if (!first) {
				regex.append(GAP);
			}
			first = false;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
				regex.append(c);
			}
			else {
				regex.append(String.format("\\x{%x}", (int) c));
			}
		}
		regex.append(')');
	}

	private static boolean isBlank(String form) {
		for (int i = 0; i < form.length(); i++) {
			char c = form.charAt(i);
			if (!Character.isWhitespace(c) && !Character.isISOControl(c)) {
				return false;
			}
		}
		return true;
	}

	private static String urlEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String jsonEscaped(String value, boolean escapeSlash, boolean escapeNonAscii) {
		StringBuilder json = new StringBuilder(value.length() + 8);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '/' -> json.append(escapeSlash ? "\\/" : "/");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				case '\b' -> json.append("\\b");
				case '\f' -> json.append("\\f");
				default -> {
					if (c < 0x20 || (escapeNonAscii && c > 0x7e)) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.toString();
	}

	private static String stripPadding(String base64) {
		int end = base64.length();
		while (end > 0 && base64.charAt(end - 1) == '=') {
			end--;
		}
		return base64.substring(0, end);
	}

	/**
	 * The text with every form replaced by {@value #REDACTED}.
	 * @param text the text
	 * @return the redacted text
	 */
	String apply(String text) {
		return (this.pattern != null) ? this.pattern.matcher(text).replaceAll(REDACTED) : text;
	}

}
