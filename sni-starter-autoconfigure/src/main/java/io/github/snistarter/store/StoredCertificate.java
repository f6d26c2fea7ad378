package io.github.snistarter.store;

import java.time.Instant;
import java.util.List;

/**
 * One certificate as the {@link CertificateStore} indexes it: what selection needs to
 * choose it, not the key material. Each version of a certificate is a distinct object:
 * a source that replaces a certificate publishes a new one, and the store builds (and
 * caches) one {@link javax.net.ssl.SSLContext} per object.
 * <p>
 * Implementations are immutable and keep equality by identity, so that two versions of
 * one certificate are never mistaken for each other.
 */
public interface StoredCertificate {

	/**
	 * The source that holds the certificate and builds its context.
	 * @return the source
	 */
	CertificateSource source();

	/**
	 * Identifies the certificate within its source, for listings and logs: a file path,
	 * a registration id, a bundle name, a database key.
	 * @return the identifier
	 */
	String id();

	/**
	 * The server names the certificate serves, in lower-case A-label form: exact names
	 * such as {@code api.example.com} and wildcards such as {@code *.example.com}.
	 * @return the names
	 */
	List<String> names();

	/**
	 * Start of the validity period.
	 * @return the certificate's {@code notBefore}
	 */
	Instant notBefore();

	/**
	 * End of the validity period.
	 * @return the certificate's {@code notAfter}
	 */
	Instant notAfter();

	/**
	 * The kind of key, which decides which clients can use the certificate.
	 * @return the key algorithm
	 */
	KeyAlgorithm keyAlgorithm();

	/**
	 * Whether the certificate is within its validity period.
	 * @param now the time to check
	 * @return whether {@code now} is between {@code notBefore} and {@code notAfter}
	 */
	default boolean isValidAt(Instant now) {
		return !now.isBefore(notBefore()) && !now.isAfter(notAfter());
	}

}
