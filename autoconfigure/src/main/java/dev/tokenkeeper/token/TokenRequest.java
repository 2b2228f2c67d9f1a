package dev.tokenkeeper.token;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tokenkeeper.token.ProviderProfile.BodyFormat;

/**
 * The bytes of one client-credentials token request, built from a profile's data. Encoded
 * here rather than by Spring's codecs because those log what they write.
 *
 * @author TokenKeeper
 */
final class TokenRequest {

	/** RFC 7523 section 2.2. */
	static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private final URI uri;

	private final String contentType;

	private final byte[] body;

	private final String authorization;

	private final String dpopProof;

	private TokenRequest(URI uri, String contentType, byte[] body, String authorization, String dpopProof) {
		this.uri = uri;
		this.contentType = contentType;
		this.body = body;
		this.authorization = authorization;
		this.dpopProof = dpopProof;
	}

	static TokenRequest of(ClientCredentials credentials) {
		ProviderProfile profile = credentials.profile();
		Map<String, String> fields = new LinkedHashMap<>();
		if (profile.sendsGrantType()) {
			fields.put("grant_type", "client_credentials");
		}
		String authorization = null;
		ClientAuthentication method = credentials.clientAuthentication();
		switch (method) {
			case CLIENT_SECRET_BASIC -> authorization = basic(credentials.clientId(), credentials.clientSecret());
			case CLIENT_SECRET_POST -> {
				fields.put("client_id", credentials.clientId());
				fields.put("client_secret", credentials.clientSecret());
			}
			case CLIENT_SECRET_JWT, PRIVATE_KEY_JWT -> {
				if (profile.sendsClientIdWithAssertion()) {
					fields.put("client_id", credentials.clientId());
				}
				fields.put("client_assertion_type", JWT_BEARER);
				// created here, per token request (a retry builds a new request): a fresh jti each
				fields.put("client_assertion", credentials.assertions().create(credentials));
			}
			// the TLS connection's client certificate authenticates; the server needs the id
			case TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH -> fields.put("client_id", credentials.clientId());
		}
		if (profile.acceptsAudience() && credentials.audience() != null && !credentials.audience().isEmpty()) {
			fields.put("audience", credentials.audience());
		}
		if (profile.acceptsScopes() && !credentials.scopes().isEmpty()) {
			fields.put("scope", String.join(" ", credentials.scopes()));
		}
		if (profile.acceptsAdditionalParameters()) {
			credentials.additionalParameters().forEach(fields::putIfAbsent);
		}
		// a fresh proof for every attempt: each TokenRequest is sent once
		String dpopProof = (credentials.dpop() != null)
				? credentials.dpop().proof("POST", credentials.tokenUri(), null) : null;
		return (profile.bodyFormat() == BodyFormat.JSON)
				? new TokenRequest(credentials.tokenUri(), "application/json", json(fields), authorization, dpopProof)
				: new TokenRequest(credentials.tokenUri(), "application/x-www-form-urlencoded", form(fields),
						authorization, dpopProof);
	}

	/** RFC 6749 section 2.3.1: form-urlencode id and secret each, then Base64 of {@code id:secret}. */
	private static String basic(String clientId, String clientSecret) {
		String pair = urlEncode(clientId) + ":" + urlEncode(clientSecret);
		return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] form(Map<String, String> fields) {
		StringBuilder form = new StringBuilder();
		fields.forEach((name, value) -> {
			if (form.length() > 0) {
				form.append('&');
			}
			form.append(urlEncode(name)).append('=').append(urlEncode(value));
		});
		return form.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static String urlEncode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static byte[] json(Map<String, String> fields) {
		StringBuilder json = new StringBuilder("{");
		fields.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			appendJsonString(json, name);
			json.append(':');
			appendJsonString(json, value);
		});
		return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void appendJsonString(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	URI uri() {
		return this.uri;
	}

	String contentType() {
		return this.contentType;
	}

	byte[] body() {
		return this.body;
	}

	/** The {@code Authorization} header value, or {@code null} when credentials go in the body. */
	String authorization() {
		return this.authorization;
	}

	/** The {@code DPoP} header value, or {@code null} when the registration does not use DPoP. */
	String dpopProof() {
		return this.dpopProof;
	}

	@Override
	public String toString() {
		return "TokenRequest[POST " + TokenUris.display(this.uri) + ", " + this.contentType + ", " + this.body.length + " bytes]";
	}

}
