package dev.tokenkeeper.assertion;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.assertion.InvalidSigningKeyException.Subject;

/**
 * Which algorithm a key signs with: the configured one if it fits the key, else the default
 * for the key's type (RS256 for RSA, ES256 / ES384 / ES512 by curve; RS384 / ES384 for SMART
 * Backend Services, which allows no other).
 *
 * @author TokenKeeper
 */
public final class SigningAlgorithms {

	/** What {@code private-key-jwt} signs with. */
	public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "ES256",
			"ES384", "ES512");

	/** What {@code client-secret-jwt} signs with. */
	public static final Set<String> HMAC = Set.of("HS256", "HS384", "HS512");

	/** What SMART Backend Services allows. */
	public static final Set<String> SMART = Set.of("RS384", "ES384");

	private static final int MIN_RSA_BITS = 2048;

	private final @Nullable String configured;

	private final boolean smart;

	/**
	 * A policy.
	 * @param configured the configured algorithm ({@code jwt.algorithm}), or {@code null}
	 * for the key type's default
	 * @param smart whether only SMART's RS384 and ES384 are allowed
	 */
	public SigningAlgorithms(@Nullable String configured, boolean smart) {
		this.configured = (configured != null && !configured.isBlank()) ? configured.trim().toUpperCase(Locale.ROOT)
				: null;
		this.smart = smart;
		if (this.configured != null) {
			Set<String> allowed = smart ? SMART : ASYMMETRIC;
			if (!allowed.contains(this.configured)) {
				throw new InvalidSigningKeyException(Subject.ALGORITHM, "must be one of " + sorted(allowed)
						+ (smart ? " for profile smart-backend" : " for private-key-jwt"));
			}
		}
	}

	/**
	 * The HMAC algorithm of {@code client-secret-jwt}.
	 * @param configured the configured algorithm, or {@code null} for HS256
	 * @return the algorithm
	 */
	public static JWSAlgorithm hmac(@Nullable String configured) {
		if (configured == null || configured.isBlank()) {
			return JWSAlgorithm.HS256;
		}
		String name = configured.trim().toUpperCase(Locale.ROOT);
		if (!HMAC.contains(name)) {
			throw new InvalidSigningKeyException(Subject.ALGORITHM,
					"must be one of " + sorted(HMAC) + " for client-secret-jwt");
		}
		return JWSAlgorithm.parse(name);
	}

	/**
	 * The shortest client secret an HMAC algorithm accepts (RFC 7518 §3.2: a key at least as
	 * long as the hash).
	 * @param algorithm the algorithm
	 * @return the minimum length in bytes
	 */
	public static int minimumSecretBytes(JWSAlgorithm algorithm) {
		return Integer.parseInt(algorithm.getName().substring(2)) / 8;
	}

	JWSAlgorithm resolve(PublicKey key) {
		if (key instanceof RSAPublicKey rsa) {
			if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
				throw new InvalidSigningKeyException(Subject.KEY, "is an RSA key of " + rsa.getModulus().bitLength()
						+ " bits; at least " + MIN_RSA_BITS + " are needed");
			}
			String name = (this.configured != null) ? this.configured : (this.smart ? "RS384" : "RS256");
			if (!name.startsWith("RS") && !name.startsWith("PS")) {
				throw new InvalidSigningKeyException(Subject.ALGORITHM,
						"is " + name + ", which needs an EC key, but the key is an RSA key");
			}
			return JWSAlgorithm.parse(name);
		}
		if (key instanceof ECPublicKey ec) {
			Curve curve = Curve.forECParameterSpec(ec.getParams());
			String byCurve = (curve == null) ? null : switch (curve.getName()) {
				case "P-256" -> "ES256";
				case "P-384" -> "ES384";
				case "P-521" -> "ES512";
				default -> null;
			};
			if (byCurve == null) {
				throw new InvalidSigningKeyException(Subject.KEY,
						"is an EC key on an unsupported curve; use P-256, P-384 or P-521");
			}
			String name = (this.configured != null) ? this.configured : (this.smart ? "ES384" : byCurve);
			if (!name.startsWith("ES")) {
				throw new InvalidSigningKeyException(Subject.ALGORITHM,
						"is " + name + ", which needs an RSA key, but the key is an EC key");
			}
			if (!name.equals(byCurve)) {
				throw new InvalidSigningKeyException((this.configured != null) ? Subject.ALGORITHM : Subject.KEY,
						"is " + ((this.configured != null) ? name : name + " (smart-backend)")
								+ ", which needs a " + curveOf(name) + " key, but the key is on " + curve.getName());
			}
			return JWSAlgorithm.parse(name);
		}
		throw new InvalidSigningKeyException(Subject.KEY, "is neither an RSA nor an EC key");
	}

	private static String curveOf(String algorithm) {
		return switch (algorithm) {
			case "ES256" -> "P-256";
			case "ES384" -> "P-384";
			default -> "P-521";
		};
	}

	private static List<String> sorted(Set<String> names) {
		return names.stream().sorted().toList();
	}

}
