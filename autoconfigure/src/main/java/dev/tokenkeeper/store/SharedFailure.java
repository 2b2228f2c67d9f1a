package dev.tokenkeeper.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.token.TokenEndpointException;
import dev.tokenkeeper.token.TokenRequestOutcome;

/**
 * The failed token request of one instance, as the others of the fleet read it: how it ended
 * and what the provider said (the exception's own, already redacted, fields: never a secret,
 * a token or a request body), and until when no instance sends another. That instant is
 * judged by each reader's {@code Clock}; the Redis TTL only cleans up.
 *
 * @param outcome how the request ended
 * @param status the HTTP status, or {@code 0}
 * @param error the OAuth2 error code
 * @param description the description
 * @param notBeforeMillis epoch milliseconds before which no instance sends a token request
 * @author TokenKeeper
 */
record SharedFailure(TokenRequestOutcome outcome, int status, @Nullable String error, @Nullable String description,
		long notBeforeMillis) {

	private static final byte VERSION = 1;

	static SharedFailure of(TokenEndpointException failure, long notBeforeMillis) {
		return new SharedFailure(failure.getOutcome(), failure.getStatus(), failure.getError().getErrorCode(),
				failure.getError().getDescription(), notBeforeMillis);
	}

	/**
	 * The failure as a caller on this instance gets it.
	 * @param registrationId the registration
	 * @param nowMillis this instance's time
	 * @return the exception, whose {@code retryAfter} is the time left
	 */
	TokenEndpointException exception(String registrationId, long nowMillis) {
		return TokenEndpointException.coolingDown(registrationId, this.outcome, this.status, this.error,
				this.description, Duration.ofMillis(this.notBeforeMillis - nowMillis));
	}

	byte[] encode() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(VERSION);
			out.writeUTF(this.outcome.name());
			out.writeInt(this.status);
			writeNullable(out, this.error);
			writeNullable(out, this.description);
			out.writeLong(this.notBeforeMillis);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * Read a failure written by {@link #encode()}.
	 * @param bytes the encoded failure
	 * @return the failure, or {@code null} when the bytes are not one of this format
	 */
	static @Nullable SharedFailure decode(byte[] bytes) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			if (in.readByte() != VERSION) {
				return null;
			}
			TokenRequestOutcome outcome = TokenRequestOutcome.valueOf(in.readUTF());
			int status = in.readInt();
			String error = readNullable(in);
			String description = readNullable(in);
			long notBefore = in.readLong();
			return (in.read() == -1 && outcome != TokenRequestOutcome.SUCCESS)
					? new SharedFailure(outcome, status, error, description, notBefore) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static void writeNullable(DataOutputStream out, @Nullable String value) throws IOException {
		out.writeBoolean(value != null);
		if (value != null) {
			out.writeUTF(value);
		}
	}

	private static @Nullable String readNullable(DataInputStream in) throws IOException {
		return in.readBoolean() ? in.readUTF() : null;
	}

}
