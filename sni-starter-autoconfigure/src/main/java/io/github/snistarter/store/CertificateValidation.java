package io.github.snistarter.store;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The checks every source applies to certificate material, for sources outside this
 * package (such as the database source): the key matches the certificate, the chain is
 * in order, and the certificate names at least one host. Messages name the origin and
 * the reason, never key material.
 */
public final class CertificateValidation {

	private CertificateValidation() {
	}

	/**
	 * Check material before it is stored or served.
	 * @param origin where it comes from, for messages, such as {@code database row 'shop'}
	 * @param chain the chain, leaf first
	 * @param key the leaf's private key
	 * @return the server names the certificate serves: its DNS subject alternative names
	 * in lower-case A-label form, wildcards as {@code *.example.com}
	 * @throws InvalidCertificateException when the material cannot be served
	 */
	public static List<String> check(String origin, List<X509Certificate> chain, PrivateKey key) {
		List<String> names = checkChain(origin, chain);
		if (!CertificateChecks.keyMatches(key, chain.get(0))) {
			throw new InvalidCertificateException(origin, "the private key does not match the certificate");
		}
		return names;
	}

	/**
	 * Check a chain without its key: it holds a leaf that names a host, in order.
	 * @param origin where it comes from
	 * @param chain the chain, leaf first
	 * @return the server names the certificate serves
	 * @throws InvalidCertificateException when the chain cannot be served
	 */
	public static List<String> checkChain(String origin, List<X509Certificate> chain) {
		if (chain.isEmpty()) {
			throw new InvalidCertificateException(origin, "it holds no certificate");
		}
		List<String> names = CertificateChecks.serverNames(chain.get(0));
		if (names.isEmpty()) {
			throw new InvalidCertificateException(origin, "the certificate names no DNS host (subjectAltName dNSName)"
					+ "; the subject CN alone is not used");
		}
		CertificateChecks.checkChainOrder(origin, chain);
		return names;
	}

	/**
	 * Whether a private key belongs to a certificate.
	 * @param key the private key
	 * @param certificate the certificate
	 * @return whether they match
	 */
	public static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
		return CertificateChecks.keyMatches(key, certificate);
	}

	/**
	 * Whether a certificate is valid for every name a pattern stands for.
	 * @param certificate the certificate
	 * @param pattern an exact name or a {@code *.} wildcard
	 * @return whether it covers the pattern
	 */
	public static boolean covers(X509Certificate certificate, ServerNamePattern pattern) {
		return CertificateCoverage.covers(certificate, pattern);
	}

}
