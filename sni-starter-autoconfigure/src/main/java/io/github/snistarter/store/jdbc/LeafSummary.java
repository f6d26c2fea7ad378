package io.github.snistarter.store.jdbc;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

import io.github.snistarter.store.KeyAlgorithm;

/**
 * What the source keeps of a leaf certificate between handshakes.
 *
 * @param notBefore start of the validity period
 * @param notAfter end of the validity period
 * @param keyAlgorithm the kind of key
 * @param sha256 SHA-256 of the DER encoding
 * @param subject the subject distinguished name
 * @param issuer the issuer distinguished name
 * @param serialNumber the serial number in hexadecimal
 */
record LeafSummary(Instant notBefore, Instant notAfter, KeyAlgorithm keyAlgorithm, byte[] sha256, String subject,
		String issuer, String serialNumber) {

	static LeafSummary of(X509Certificate leaf) throws GeneralSecurityException {
		return new LeafSummary(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(),
				KeyAlgorithm.of(leaf.getPublicKey()), sha256(leaf), leaf.getSubjectX500Principal().getName(),
				leaf.getIssuerX500Principal().getName(), leaf.getSerialNumber().toString(16));
	}

	static byte[] sha256(X509Certificate certificate) throws GeneralSecurityException {
		return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
	}

	String fingerprint() {
		return HexFormat.of().formatHex(this.sha256);
	}

}
