package dev.tokenkeeper.assertion;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;

import org.springframework.core.io.Resource;

import dev.tokenkeeper.assertion.InvalidSigningKeyException.Subject;

/**
 * A PEM key from a resource; a file's modification time and size tell when it changed, so
 * a replaced file is read again without restart.
 *
 * @author TokenKeeper
 */
final class PemKeySource implements KeySource {

	private static final int MAX_BYTES = 64 * 1024;

	private final Resource resource;

	PemKeySource(Resource resource) {
		this.resource = resource;
	}

	@Override
	public Object version() {
		File file = file();
		return (file != null) ? List.of(file.lastModified(), file.length()) : "static";
	}

	private File file() {
		try {
			return this.resource.isFile() ? this.resource.getFile() : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public KeyPair load() {
		if (!this.resource.exists()) {
			throw new InvalidSigningKeyException(Subject.KEY, "names a resource that does not exist");
		}
		byte[] bytes;
		try (InputStream in = this.resource.getInputStream()) {
			bytes = in.readNBytes(MAX_BYTES + 1);
		}
		catch (IOException ex) {
			throw new InvalidSigningKeyException(Subject.KEY, "cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
		if (bytes.length > MAX_BYTES) {
			throw new InvalidSigningKeyException(Subject.KEY, "is larger than " + MAX_BYTES + " bytes; not a PEM key");
		}
		return PemKeys.read(new String(bytes, StandardCharsets.US_ASCII));
	}

}
