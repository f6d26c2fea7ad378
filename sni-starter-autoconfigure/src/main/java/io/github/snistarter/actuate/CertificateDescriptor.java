package io.github.snistarter.actuate;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One certificate as the {@code sni} endpoint and health contributor show it. Never
 * holds key material.
 *
 * @param source where it comes from: {@code bundles}, {@code directory /etc/certs},
 * {@code runtime}, a database source's name, or {@code server} for the connector's own
 * certificate ({@code server.ssl})
 * @param id its identifier within the source: a bundle name, a file path, a registration
 * id
 * @param status {@code SERVING}, {@code EXPIRED}, {@code NOT_YET_VALID}, {@code REJECTED}
 * (refused when loaded, never served) or, for the default certificate only,
 * {@code UNAVAILABLE}
 * @param reason why it is rejected or unavailable, {@code null} otherwise
 * @param names the server names it serves (its DNS subject alternative names)
 * @param subject the subject distinguished name
 * @param issuer the issuer distinguished name
 * @param serialNumber the serial number, hexadecimal
 * @param notBefore start of the validity period
 * @param notAfter end of the validity period
 * @param daysToExpiry whole days until {@code notAfter}, negative once expired
 * @param keyAlgorithm {@code RSA}, {@code EC}, {@code EDDSA} or {@code OTHER}
 * @param sha256Fingerprint SHA-256 of the DER-encoded certificate, hexadecimal
 */
public record CertificateDescriptor(String source, String id, String status, @Nullable String reason,
		List<String> names, @Nullable String subject, @Nullable String issuer, @Nullable String serialNumber,
		@Nullable Instant notBefore, @Nullable Instant notAfter, @Nullable Long daysToExpiry,
		@Nullable String keyAlgorithm, @Nullable String sha256Fingerprint) {

	/** Status of a certificate within its validity period. */
	public static final String SERVING = "SERVING";

	/** Status of a default certificate that cannot be served. */
	public static final String UNAVAILABLE = "UNAVAILABLE";

	public CertificateDescriptor {
		names = List.copyOf(names);
	}

	static CertificateDescriptor unavailable(String source, String id, String reason) {
		return new CertificateDescriptor(source, id, UNAVAILABLE, reason, List.of(), null, null, null, null, null, null,
				null, null);
	}

}
