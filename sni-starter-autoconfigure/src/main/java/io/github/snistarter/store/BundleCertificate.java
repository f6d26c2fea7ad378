package io.github.snistarter.store;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A Spring Boot SSL bundle's certificate, served for the server-name patterns mapped to
 * the bundle. Bundles are few, so their contexts are built when loaded and kept.
 */
final class BundleCertificate implements StoredCertificate {

	private final BundleCertificateStore source;

	private final String bundleName;

	private final List<String> names;

	private final CertificateEntry entry;

	BundleCertificate(BundleCertificateStore source, String bundleName, List<ServerNamePattern> patterns,
			CertificateEntry entry) {
		this.source = source;
		this.bundleName = bundleName;
		this.names = patterns.stream().map(ServerNamePattern::toString).toList();
		this.entry = entry;
	}

	@Override
	public CertificateSource source() {
		return this.source;
	}

	@Override
	public String id() {
		return this.bundleName;
	}

	@Override
	public List<String> names() {
		return this.names;
	}

	@Override
	public Instant notBefore() {
		return leaf().getNotBefore().toInstant();
	}

	@Override
	public Instant notAfter() {
		return leaf().getNotAfter().toInstant();
	}

	@Override
	public KeyAlgorithm keyAlgorithm() {
		return KeyAlgorithm.of(leaf().getPublicKey());
	}

	CertificateEntry entry() {
		return this.entry;
	}

	X509Certificate leaf() {
		return this.entry.certificate();
	}

	@Override
	public String toString() {
		return this.entry.toString();
	}

}
