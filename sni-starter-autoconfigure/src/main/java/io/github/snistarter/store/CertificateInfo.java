package io.github.snistarter.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a source holds for one certificate, as listings show it. Never contains key
 * material.
 *
 * @param source the source's {@link CertificateSource#name() name}
 * @param id the certificate's identifier within the source (a file path, a registration
 * id, a bundle name)
 * @param status whether it serves, is outside its validity period, or was rejected
 * @param reason why it was rejected, {@code null} otherwise
 * @param names the server names it serves; empty when rejected
 * @param subject the subject distinguished name, {@code null} when rejected
 * @param issuer the issuer distinguished name, {@code null} when rejected
 * @param serialNumber the serial number in hexadecimal, {@code null} when rejected
 * @param notBefore start of the validity period, {@code null} when rejected
 * @param notAfter end of the validity period, {@code null} when rejected
 * @param keyAlgorithm the kind of key, {@code null} when rejected
 * @param sha256Fingerprint SHA-256 of the DER-encoded certificate in hexadecimal,
 * {@code null} when rejected
 */
public record CertificateInfo(String source, String id, CertificateStatus status, @Nullable String reason,
		List<String> names, @Nullable String subject, @Nullable String issuer, @Nullable String serialNumber,
		@Nullable Instant notBefore, @Nullable Instant notAfter, @Nullable KeyAlgorithm keyAlgorithm,
		@Nullable String sha256Fingerprint) {

	public CertificateInfo {
		names = List.copyOf(names);
	}

	/**
	 * Describe a loaded certificate.
	 * @param certificate the stored certificate
	 * @param leaf its parsed leaf certificate
	 * @param now the time that decides the status
	 * @return the description
	 */
	public static CertificateInfo of(StoredCertificate certificate, X509Certificate leaf, Instant now) {
		CertificateStatus status = now.isAfter(certificate.notAfter()) ? CertificateStatus.EXPIRED
				: now.isBefore(certificate.notBefore()) ? CertificateStatus.NOT_YET_VALID : CertificateStatus.SERVING;
		return new CertificateInfo(certificate.source().name(), certificate.id(), status, null, certificate.names(),
				leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
				leaf.getSerialNumber().toString(16), certificate.notBefore(), certificate.notAfter(),
				certificate.keyAlgorithm(), fingerprint(leaf));
	}

	/**
	 * Describe material a source refused.
	 * @param source the source's name
	 * @param id where the material came from
	 * @param reason why it was refused
	 * @return the description
	 */
	public static CertificateInfo rejected(String source, String id, String reason) {
		return new CertificateInfo(source, id, CertificateStatus.REJECTED, reason, List.of(), null, null, null, null,
				null, null, null);
	}

	private static String fingerprint(X509Certificate certificate) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
		}
		catch (NoSuchAlgorithmException | CertificateEncodingException ex) {
			throw new IllegalStateException("Cannot fingerprint " + certificate.getSubjectX500Principal(), ex);
		}
	}

}
