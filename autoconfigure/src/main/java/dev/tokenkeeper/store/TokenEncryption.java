package dev.tokenkeeper.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.IssuedToken;

/**
 * How tokens are written to the shared store: AES-256-GCM with a random 12-byte IV per write
 * and the Redis key name as associated data (a value copied under another key fails to
 * open), or, when explicitly allowed, unencrypted.
 * <p>
 * A stored value reads {@code <format>.<tag>.<payload>}. The tag identifies the token without
 * revealing it (an HMAC keyed from the encryption key), so that Redis itself can compare a
 * rejected token with the stored one when a 401 invalidates it. {@link #toString()} never
 * shows the key.
 *
 * @author TokenKeeper
 */
public final class TokenEncryption {

	private static final int KEY_BYTES = 32;

	private static final int IV_BYTES = 12;

	private static final int GCM_TAG_BITS = 128;

	private static final int TOKEN_TAG_BYTES = 16;

	private static final String ENCRYPTED = "e1";

	private static final String PLAINTEXT = "p1";

	private static final SecureRandom random = new SecureRandom();

	private final @Nullable SecretKey key;

	private final @Nullable SecretKey tagKey;

	private TokenEncryption(byte @Nullable [] key) {
		this.key = (key != null) ? new SecretKeySpec(key, "AES") : null;
		this.tagKey = (key != null) ? new SecretKeySpec(hmac(new SecretKeySpec(key, "HmacSHA256"),
				"tokenkeeper token tag v1".getBytes(StandardCharsets.UTF_8)), "HmacSHA256") : null;
	}

	/**
	 * AES-256-GCM with the given key.
	 * @param base64Key Base64 of 32 random bytes
	 * @return the encryption
	 * @throws IllegalArgumentException when the key is not Base64 of 32 bytes; the message
	 * never contains the key
	 */
	public static TokenEncryption aesGcm(String base64Key) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64Key.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("is not valid Base64");
		}
		if (key.length != KEY_BYTES) {
			throw new IllegalArgumentException(
					"must be Base64 of 32 random bytes (AES-256), but decodes to " + key.length + " bytes");
		}
		return new TokenEncryption(key);
	}

	/**
	 * No encryption: tokens are stored readable by anyone who can read Redis.
	 * @return the plaintext form
	 */
	public static TokenEncryption plaintext() {
		return new TokenEncryption(null);
	}

	/**
	 * Whether tokens are encrypted.
	 * @return {@code false} for {@link #plaintext()}
	 */
	public boolean isEncrypted() {
		return this.key != null;
	}

	/**
	 * The value to store for a token under a key.
	 * @param keyName the Redis key the value is written under
	 * @param token the token
	 * @return the stored form
	 */
	String seal(String keyName, IssuedToken token) {
		return prefix(token.value()) + payload(keyName, IssuedTokenCodec.encode(token));
	}

	/**
	 * The value to store for a record that is not a token (a shared failure), sealed as
	 * tokens are.
	 * @param keyName the Redis key the value is written under
	 * @param plain the record
	 * @return the stored form, {@code <format>.<payload>}
	 */
	String sealRecord(String keyName, byte[] plain) {
		return format() + "." + payload(keyName, plain);
	}

	/**
	 * The record a value written by {@link #sealRecord} holds.
	 * @param keyName the Redis key the value was read from
	 * @param stored the stored form
	 * @return the record, or {@code null} when it does not open with this key under this name
	 */
	byte @Nullable [] openRecord(String keyName, String stored) {
		String prefix = format() + ".";
		if (!stored.startsWith(prefix)) {
			return null;
		}
		byte[] payload;
		try {
			payload = Base64.getDecoder().decode(stored.substring(prefix.length()));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		return (this.key != null) ? decrypt(keyName, payload) : payload;
	}

	private String payload(String keyName, byte[] plain) {
		if (this.key == null) {
			return Base64.getEncoder().encodeToString(plain);
		}
		try {
			byte[] iv = new byte[IV_BYTES];
			random.nextBytes(iv);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(GCM_TAG_BITS, iv));
			cipher.updateAAD(keyName.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plain);
			byte[] payload = new byte[IV_BYTES + sealed.length];
			System.arraycopy(iv, 0, payload, 0, IV_BYTES);
			System.arraycopy(sealed, 0, payload, IV_BYTES, sealed.length);
			return Base64.getEncoder().encodeToString(payload);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/**
	 * The token a stored value holds.
	 * @param keyName the Redis key the value was read from
	 * @param stored the stored form
	 * @return the token, or {@code null} when the value does not decrypt, does not
	 * authenticate, was written under another key or with another key, or is malformed
	 */
	@Nullable IssuedToken open(String keyName, String stored) {
		int first = stored.indexOf('.');
		int second = (first < 0) ? -1 : stored.indexOf('.', first + 1);
		if (second < 0 || !stored.substring(0, first).equals(format())) {
			return null;
		}
		byte[] payload;
		try {
			payload = Base64.getDecoder().decode(stored.substring(second + 1));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		byte[] plain = (this.key != null) ? decrypt(keyName, payload) : payload;
		IssuedToken token = (plain != null) ? IssuedTokenCodec.decode(plain) : null;
		if (token == null) {
			return null;
		}
		// The tag is outside the ciphertext: accept it only if it is this token's.
		byte[] storedTag = stored.substring(first + 1, second).getBytes(StandardCharsets.US_ASCII);
		byte[] expectedTag = tag(token.value()).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(storedTag, expectedTag) ? token : null;
	}

	private byte @Nullable [] decrypt(String keyName, byte[] payload) {
		if (payload.length < IV_BYTES + GCM_TAG_BITS / 8) {
			return null;
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(GCM_TAG_BITS, payload, 0, IV_BYTES));
			cipher.updateAAD(keyName.getBytes(StandardCharsets.UTF_8));
			return cipher.doFinal(payload, IV_BYTES, payload.length - IV_BYTES);
		}
		catch (GeneralSecurityException ex) {
			return null;
		}
	}

	/**
	 * How every stored value of this token starts: what a compare-and-delete matches.
	 * @param tokenValue the token
	 * @return {@code <format>.<tag>.}
	 */
	String prefix(String tokenValue) {
		return format() + "." + tag(tokenValue) + ".";
	}

	private String format() {
		return (this.key != null) ? ENCRYPTED : PLAINTEXT;
	}

	/** A one-way identifier of the token: keyed when there is a key, so it is no oracle. */
	private String tag(String tokenValue) {
		byte[] value = tokenValue.getBytes(StandardCharsets.UTF_8);
		byte[] digest;
		if (this.tagKey != null) {
			digest = hmac(this.tagKey, value);
		}
		else {
			try {
				digest = MessageDigest.getInstance("SHA-256").digest(value);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return HexFormat.of().formatHex(digest, 0, TOKEN_TAG_BYTES);
	}

	private static byte[] hmac(SecretKey key, byte[] data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return (this.key != null) ? "TokenEncryption[AES-256-GCM]" : "TokenEncryption[plaintext]";
	}

}
