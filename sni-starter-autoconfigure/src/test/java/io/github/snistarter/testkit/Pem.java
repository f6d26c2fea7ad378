package io.github.snistarter.testkit;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Minimal PEM encoding and decoding for certificates and unencrypted PKCS#8 private keys.
 */
public final class Pem {

	private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

	private static final Pattern BLOCK = Pattern
		.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

	private Pem() {
	}

	/** Encodes DER bytes as one PEM block with the given label, e.g. {@code "CERTIFICATE"}. */
	public static String encode(String label, byte[] der) {
		return "-----BEGIN " + label + "-----\n" + ENCODER.encodeToString(der) + "\n-----END " + label + "-----\n";
	}

	/** PEM for the certificates, in the given order. */
	public static String certificates(X509Certificate... certificates) {
		StringBuilder pem = new StringBuilder();
		for (X509Certificate certificate : certificates) {
			try {
				pem.append(encode("CERTIFICATE", certificate.getEncoded()));
			}
			catch (CertificateEncodingException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return pem.toString();
	}

	/** PKCS#8 {@code PRIVATE KEY} PEM of an (unencrypted) private key. */
	public static String privateKey(PrivateKey key) {
		if (!"PKCS#8".equals(key.getFormat())) {
			throw new IllegalArgumentException("Expected a PKCS#8 encoded key but got " + key.getFormat());
		}
		return encode("PRIVATE KEY", key.getEncoded());
	}

	/** DER contents of every PEM block with the given label, in order of appearance. */
	public static List<byte[]> decodeAll(String pem, String label) {
		List<byte[]> blocks = new ArrayList<>();
		Matcher matcher = BLOCK.matcher(pem);
		while (matcher.find()) {
			if (matcher.group(1).equals(label)) {
				blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
			}
		}
		return blocks;
	}

	/** Parses every {@code CERTIFICATE} block of the PEM text. */
	public static List<X509Certificate> parseCertificates(String pem) {
		List<X509Certificate> certificates = new ArrayList<>();
		for (byte[] der : decodeAll(pem, "CERTIFICATE")) {
			certificates.add(parseCertificate(der));
		}
		return certificates;
	}

	/** Parses one DER-encoded X.509 certificate. */
	public static X509Certificate parseCertificate(byte[] der) {
		try {
			return (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(der));
		}
		catch (CertificateException ex) {
			throw new IllegalArgumentException("Not a valid X.509 certificate", ex);
		}
	}

	/** Parses the first {@code PRIVATE KEY} (PKCS#8) block of the PEM text. */
	public static PrivateKey parsePrivateKey(String pem, KeyType keyType) {
		List<byte[]> keys = decodeAll(pem, "PRIVATE KEY");
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("No PRIVATE KEY block found");
		}
		try {
			return KeyFactory.getInstance(keyType.algorithm()).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("Not a valid PKCS#8 " + keyType + " key", ex);
		}
	}

}
