package dev.tokenkeeper.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made with the JDK's
 * {@code keytool}: a PKCS12 key store for a TLS server and the certificate as PEM for a
 * client's trust store.
 *
 * @param keyStore the PKCS12 key store holding key and certificate
 * @param password the key store's (and key's) password
 * @param certificate the certificate, PEM
 */
public record SelfSignedCertificate(Path keyStore, String password, Path certificate) {

	/**
	 * Generate a certificate in a directory.
	 * @param directory where the files go
	 * @return the certificate
	 */
	public static SelfSignedCertificate generate(Path directory) {
		Path keyStore = directory.resolve("server.p12");
		Path certificate = directory.resolve("server.pem");
		String password = "changeit";
		keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
				"-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
				"-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
		keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
				"-storepass", password, "-file", certificate.toString());
		return new SelfSignedCertificate(keyStore, password, certificate);
	}

	private static void keytool(String... arguments) {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = new ArrayList<>();
		command.add(keytool.toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
