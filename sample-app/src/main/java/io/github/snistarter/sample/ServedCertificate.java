package io.github.snistarter.sample;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The leaf certificate the server presented on a connection, reduced to what tells the demo
 * certificates apart.
 *
 * @param subject subject distinguished name
 * @param serialNumber serial number in hexadecimal, as {@code openssl x509 -serial} prints it
 * @param subjectAlternativeNames SANs as {@code DNS:name} / {@code IP:address}
 * @param issuer issuer distinguished name
 * @param notAfter end of validity
 */
public record ServedCertificate(String subject, String serialNumber, List<String> subjectAlternativeNames,
		String issuer, Instant notAfter) {

	static ServedCertificate of(X509Certificate certificate) {
		return new ServedCertificate(certificate.getSubjectX500Principal().getName(),
				serialNumber(certificate), subjectAlternativeNames(certificate),
				certificate.getIssuerX500Principal().getName(), certificate.getNotAfter().toInstant());
	}

	private static String serialNumber(X509Certificate certificate) {
		String hex = certificate.getSerialNumber().toString(16).toUpperCase();
		// Whole bytes, like openssl, so the value can be compared with `openssl x509 -serial` directly.
		return (hex.length() % 2 == 0) ? hex : "0" + hex;
	}

	private static List<String> subjectAlternativeNames(X509Certificate certificate) {
		try {
			Collection<List<?>> names = certificate.getSubjectAlternativeNames();
			return (names != null) ? names.stream().map(ServedCertificate::format).toList() : List.of();
		}
		catch (CertificateParsingException ex) {
			return List.of("(unparseable: " + ex.getMessage() + ")");
		}
	}

	private static String format(List<?> name) {
		// RFC 5280 GeneralName tags as returned by X509Certificate#getSubjectAlternativeNames.
		Object type = name.get(0);
		String prefix = Integer.valueOf(2).equals(type) ? "DNS:" : Integer.valueOf(7).equals(type) ? "IP:" : type + ":";
		return prefix + name.get(1);
	}

}
