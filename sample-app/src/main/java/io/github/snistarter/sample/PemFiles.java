package io.github.snistarter.sample;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes the PEM files of the demo: certificate chains ({@code CERTIFICATE} blocks) and
 * unencrypted PKCS#8 private keys ({@code PRIVATE KEY}), the formats Spring Boot's PEM SSL bundles
 * read.
 */
final class PemFiles {

	private PemFiles() {
	}

	static void writeCertificates(Path file, List<X509Certificate> chain) {
		StringWriter pem = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
			for (X509Certificate certificate : chain) {
				writer.writeObject(certificate);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		write(file, pem.toString(), false);
	}

	static void writePrivateKey(Path file, PrivateKey privateKey) {
		StringWriter pem = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
			writer.writeObject(new JcaPKCS8Generator(privateKey, null));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		write(file, pem.toString(), true);
	}

	static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
		List<X509Certificate> certificates = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
				PEMParser parser = new PEMParser(reader)) {
			JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
			for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
				if (!(object instanceof X509CertificateHolder holder)) {
					throw new IOException("Unexpected PEM object in " + file + ": " + object.getClass().getSimpleName());
				}
				certificates.add(converter.getCertificate(holder));
			}
		}
		if (certificates.isEmpty()) {
			throw new IOException("No certificate in " + file);
		}
		return certificates;
	}

	static PrivateKey readPrivateKey(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
				PEMParser parser = new PEMParser(reader)) {
			if (parser.readObject() instanceof PrivateKeyInfo info) {
				return new JcaPEMKeyConverter().getPrivateKey(info);
			}
			// Deliberately no file content in the message: it might be key material in another format.
			throw new IOException("No PKCS#8 private key in " + file);
		}
	}

	/**
	 * Writes via a temporary file and a move, because the SSL bundles watch these files
	 * ({@code reload-on-update}) and must never read a half-written one.
	 */
	private static void write(Path file, String content, boolean secret) {
		try {
			Path directory = file.toAbsolutePath().getParent();
			// createTempFile makes the file owner-only on POSIX systems, which is right for keys.
			Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
			try {
				Files.writeString(temporary, content, StandardCharsets.US_ASCII);
				if (!secret) {
					makeWorldReadable(temporary);
				}
				move(temporary, file);
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + file, ex);
		}
	}

	private static void makeWorldReadable(Path file) throws IOException {
		PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
		if (posix != null) {
			posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
		}
	}

	private static void move(Path source, Path target) throws IOException {
		try {
			Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
