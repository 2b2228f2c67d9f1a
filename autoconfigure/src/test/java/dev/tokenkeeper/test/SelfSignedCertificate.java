package dev.tokenkeeper.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
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
		return generate(directory, "server", "CN=localhost");
	}

	/**
	 * Generate a certificate with a subject of its own, e.g. a TLS client's.
	 * @param directory where the files go
	 * @param name the alias and the file names ({@code name.p12}, {@code name.pem})
	 * @param subject the distinguished name
	 * @return the certificate
	 */
	public static SelfSignedCertificate generate(Path directory, String name, String subject) {
		return generate(directory, name, subject, "SAN=dns:localhost,ip:127.0.0.1");
	}

	/**
	 * Generate a certificate authority that {@link #issue issues} certificates.
	 * @param directory where the files go
	 * @param name the alias and the file names
	 * @param subject the distinguished name
	 * @return the authority's certificate
	 */
	public static SelfSignedCertificate authority(Path directory, String name, String subject) {
		return generate(directory, name, subject, "bc:c");
	}

	private static SelfSignedCertificate generate(Path directory, String name, String subject, String extension) {
		Path keyStore = directory.resolve(name + ".p12");
		Path certificate = directory.resolve(name + ".pem");
		String password = "changeit";
		keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
				"-dname", subject, "-ext", extension, "-storetype", "PKCS12",
				"-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
		keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(), "-storetype", "PKCS12",
				"-storepass", password, "-file", certificate.toString());
		return new SelfSignedCertificate(keyStore, password, certificate);
	}

	/**
	 * Generate a key pair whose certificate this certificate, as a certificate authority,
	 * issues: the key store holds the key with its two-certificate chain.
	 * @param directory where the files go
	 * @param name the alias and the file names
	 * @param subject the distinguished name
	 * @return the issued certificate (its {@link #certificate()} is the leaf)
	 */
	public SelfSignedCertificate issue(Path directory, String name, String subject) {
		Path keyStore = directory.resolve(name + ".p12");
		Path request = directory.resolve(name + ".csr");
		Path certificate = directory.resolve(name + ".pem");
		String store = this.keyStore.getFileName().toString();
		String authority = store.substring(0, store.length() - ".p12".length());
		keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname",
				subject, "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", this.password,
				"-keypass", this.password);
		keytool("-certreq", "-alias", name, "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass",
				this.password, "-file", request.toString());
		keytool("-gencert", "-rfc", "-alias", authority, "-keystore", this.keyStore.toString(), "-storetype", "PKCS12",
				"-storepass", this.password, "-validity", "2", "-infile", request.toString(), "-outfile",
				certificate.toString());
		keytool("-importcert", "-noprompt", "-alias", authority, "-file", this.certificate.toString(), "-keystore",
				keyStore.toString(), "-storetype", "PKCS12", "-storepass", this.password);
		keytool("-importcert", "-noprompt", "-alias", name, "-file", certificate.toString(), "-keystore",
				keyStore.toString(), "-storetype", "PKCS12", "-storepass", this.password);
		return new SelfSignedCertificate(keyStore, this.password, certificate);
	}

	/**
	 * The certificate, parsed.
	 * @return the X.509 certificate
	 */
	public X509Certificate x509() {
		try (InputStream in = Files.newInputStream(this.certificate)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Write a PKCS12 trust store (password {@code changeit}) holding these certificates.
	 * @param file the trust store file
	 * @param trusted the certificates to trust
	 * @return the file
	 */
	public static Path trustStore(Path file, SelfSignedCertificate... trusted) {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			for (int i = 0; i < trusted.length; i++) {
				store.setCertificateEntry("trusted-" + i, trusted[i].x509());
			}
			try (OutputStream out = Files.newOutputStream(file)) {
				store.store(out, "changeit".toCharArray());
			}
			return file;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
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
