package dev.tokenkeeper.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.IssuedToken;
import dev.tokenkeeper.token.IssuedToken.LifetimeSource;

/**
 * A small binary form of {@link IssuedToken}: what another instance needs to compute its own
 * usable and refresh-ahead instants. Its own format rather than a JSON mapper with type
 * information, so that reading an entry can never instantiate anything else.
 *
 * @author TokenKeeper
 */
final class IssuedTokenCodec {

	private static final byte VERSION = 1;

	/** Version 1 and a trailing flag: the token is DPoP-bound. Bearer tokens keep version 1. */
	private static final byte VERSION_DPOP = 2;

	/** Tokens and scopes are bounded by the token response size limit; this is a sanity cap. */
	private static final int MAX_STRING_BYTES = 1024 * 1024;

	private static final int MAX_SCOPES = 1024;

	/**
	 * The latest {@code receivedAt} read: far enough for any real clock, near enough that
	 * adding a lifetime and taking epoch millis cannot overflow.
	 */
	private static final long MAX_EPOCH_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

	/** The longest lifetime read; a token response's own lifetime is capped far below. */
	private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

	private IssuedTokenCodec() {
	}

	static byte[] encode(IssuedToken token) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(token.value().length() + 128);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(token.dpop() ? VERSION_DPOP : VERSION);
			writeString(out, token.value());
			out.writeInt(token.scopes().size());
			for (String scope : token.scopes()) {
				writeString(out, scope);
			}
			out.writeLong(token.receivedAt().getEpochSecond());
			out.writeInt(token.receivedAt().getNano());
			out.writeLong(token.lifetime().getSeconds());
			out.writeInt(token.lifetime().getNano());
			writeString(out, token.lifetimeSource().name());
			if (token.dpop()) {
				out.writeBoolean(true);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * Read a token written by {@link #encode(IssuedToken)}.
	 * @param bytes the encoded token
	 * @return the token, or {@code null} when the bytes are not a token of this format
	 */
	static @Nullable IssuedToken decode(byte[] bytes) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			byte version = in.readByte();
			if (version != VERSION && version != VERSION_DPOP) {
				return null;
			}
			String value = readString(in);
			int scopeCount = in.readInt();
			if (scopeCount < 0 || scopeCount > MAX_SCOPES) {
				return null;
			}
			Set<String> scopes = new LinkedHashSet<>();
			for (int i = 0; i < scopeCount; i++) {
				scopes.add(readString(in));
			}
			long receivedSeconds = in.readLong();
			int receivedNanos = in.readInt();
			long lifetimeSeconds = in.readLong();
			int lifetimeNanos = in.readInt();
			LifetimeSource source = LifetimeSource.valueOf(readString(in));
			boolean dpop = version == VERSION_DPOP && in.readBoolean();
			// A plain-text entry is anyone's to write: what cannot be judged safely is no token.
			if (in.read() != -1 || value.isEmpty() || !isNanos(receivedNanos) || !isNanos(lifetimeNanos)
					|| receivedSeconds < 0 || receivedSeconds > MAX_EPOCH_SECOND || lifetimeSeconds < 0
					|| lifetimeSeconds > MAX_LIFETIME.getSeconds()) {
				return null;
			}
			Instant receivedAt = Instant.ofEpochSecond(receivedSeconds, receivedNanos);
			Duration lifetime = Duration.ofSeconds(lifetimeSeconds, lifetimeNanos);
			if (lifetime.isZero()) {
				return null;
			}
			return new IssuedToken(value, Collections.unmodifiableSet(scopes), receivedAt, lifetime, source, dpop);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static boolean isNanos(int nanos) {
		return nanos >= 0 && nanos < 1_000_000_000;
	}

	private static void writeString(DataOutputStream out, String value) throws IOException {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static String readString(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > MAX_STRING_BYTES || length > in.available()) {
			throw new IOException("Invalid length");
		}
		byte[] bytes = in.readNBytes(length);
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
