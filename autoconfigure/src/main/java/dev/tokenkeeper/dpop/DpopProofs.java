package dev.tokenkeeper.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.nimbusds.jose.util.JSONStringUtils;
import org.jspecify.annotations.Nullable;

/**
 * The DPoP proofs of one registration (RFC 9449): a fresh signed JWT per HTTP request, with
 * {@code jti}, {@code htm}, {@code htu} (the URL without query and fragment), {@code iat},
 * and, for API calls, {@code ath} (the token's SHA-256) and the latest {@code nonce} the
 * origin asked for. Proofs and nonces are never logged; {@link #toString()} shows the key's
 * thumbprint only.
 *
 * @author TokenKeeper
 */
public final class DpopProofs {

	/** The request header that carries a proof, and the {@code Authorization} scheme of bound tokens. */
	public static final String HEADER = "DPoP";

	/** The response header a server sends its nonce in. */
	public static final String NONCE_HEADER = "DPoP-Nonce";

	/** The OAuth2 error a server answers with when a proof lacks its current nonce. */
	public static final String USE_DPOP_NONCE = "use_dpop_nonce";

	private static final Pattern NONCE_CHALLENGE = Pattern
		.compile("(?i)^\\s*DPoP\\b.*\\berror\\s*=\\s*\"?use_dpop_nonce\"?");

	/** Origins remembered per registration; more are possible only with attribute-named URLs. */
	private static final int MAX_ORIGINS = 256;

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private static final SecureRandom RANDOM = new SecureRandom();

	private final DpopKey key;

	private final Clock clock;

	private final Map<String, String> nonces = new ConcurrentHashMap<>();

	/**
	 * Create the proofs of one registration.
	 * @param key the key proofs are signed with
	 * @param clock the clock {@code iat} is read from
	 */
	public DpopProofs(DpopKey key, Clock clock) {
		this.key = key;
		this.clock = clock;
	}

	/**
	 * A proof for one HTTP request.
	 * @param method the HTTP method
	 * @param uri the request URL (query and fragment are left out of {@code htu})
	 * @param accessToken the DPoP-bound token the request carries, or {@code null} for a token
	 * request
	 * @return the compact JWT for the {@code DPoP} header
	 */
	public String proof(String method, URI uri, @Nullable String accessToken) {
		byte[] jti = new byte[16];
		RANDOM.nextBytes(jti);
		StringBuilder claims = new StringBuilder(192).append("{\"jti\":\"")
			.append(BASE64URL.encodeToString(jti))
			.append("\",\"htm\":")
			.append(JSONStringUtils.toJSONString(method))
			.append(",\"htu\":")
			.append(JSONStringUtils.toJSONString(htu(uri)))
			.append(",\"iat\":")
			.append(this.clock.millis() / 1000);
		if (accessToken != null) {
			claims.append(",\"ath\":\"").append(ath(accessToken)).append('"');
		}
		String nonce = this.nonces.get(origin(uri));
		if (nonce != null) {
			claims.append(",\"nonce\":").append(JSONStringUtils.toJSONString(nonce));
		}
		return this.key.sign(claims.append('}').toString());
	}

	/**
	 * Remember the nonce an origin sent ({@code DPoP-Nonce}); later proofs to it carry it.
	 * @param uri a URL of the origin that answered
	 * @param nonce the header value, or {@code null} when it sent none
	 * @return whether the origin sent one
	 */
	public boolean nonce(URI uri, @Nullable String nonce) {
		if (nonce == null || nonce.isBlank()) {
			return false;
		}
		String origin = origin(uri);
		if (this.nonces.size() >= MAX_ORIGINS && !this.nonces.containsKey(origin)) {
			this.nonces.clear();
		}
		this.nonces.put(origin, nonce.trim());
		return true;
	}

	/**
	 * Whether an API's answer asks for a nonce: a 401 whose {@code WWW-Authenticate} is a
	 * DPoP challenge with {@code error="use_dpop_nonce"}.
	 * @param status the response status
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values, possibly none
	 * @return whether it is a nonce challenge
	 */
	public static boolean isNonceChallenge(int status, @Nullable List<String> wwwAuthenticate) {
		if (status != 401 || wwwAuthenticate == null) {
			return false;
		}
		for (String challenge : wwwAuthenticate) {
			if (NONCE_CHALLENGE.matcher(challenge).find()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The {@code htu} claim: scheme, host, the port unless it is the scheme's default, and the
	 * path; no user-info, query or fragment.
	 * @param uri the request URL
	 * @return the target URI
	 */
	static String htu(URI uri) {
		String path = uri.getRawPath();
		return origin(uri) + ((path == null || path.isEmpty()) ? "/" : path);
	}

	private static String origin(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "https";
		int port = uri.getPort();
		boolean defaultPort = port == -1 || (port == 443 && scheme.equals("https"))
				|| (port == 80 && scheme.equals("http"));
		return scheme + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
	}

	/**
	 * The {@code ath} claim: base64url of the token's SHA-256.
	 * @param accessToken the token
	 * @return the hash
	 */
	static String ath(String accessToken) {
		try {
			return BASE64URL.encodeToString(
					MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The key proofs are signed with.
	 * @return the key
	 */
	public DpopKey key() {
		return this.key;
	}

	@Override
	public String toString() {
		return "DpopProofs[" + this.key + "]";
	}

}
