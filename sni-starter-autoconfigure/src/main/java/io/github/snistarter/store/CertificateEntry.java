package io.github.snistarter.store;

import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * One loaded certificate, ready to serve: its context is built once per version of the
 * material and shared by every handshake that selects it.
 *
 * @param source where the material came from, for example {@code bundle 'alpha'}
 * @param chain the certificate chain, leaf first
 * @param context the context that serves it
 */
public record CertificateEntry(String source, List<X509Certificate> chain, SSLContext context) {

	public CertificateEntry {
		chain = List.copyOf(chain);
		if (chain.isEmpty()) {
			throw new IllegalArgumentException("A certificate entry needs a certificate");
		}
	}

	/**
	 * The leaf certificate.
	 * @return the first certificate of the chain
	 */
	public X509Certificate certificate() {
		return this.chain.get(0);
	}

	@Override
	public String toString() {
		return this.source + " [" + certificate().getSubjectX500Principal().getName() + ", serial "
				+ certificate().getSerialNumber().toString(16) + "]";
	}

}
