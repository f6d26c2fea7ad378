package io.github.snistarter.store.jdbc;

import java.time.Instant;
import java.util.List;

import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.KeyAlgorithm;
import io.github.snistarter.store.StoredCertificate;

/**
 * One version of one row of {@code sni_certificate}, as the store indexes it: what
 * selection and listings need, without the chain or the key, which are read from the
 * database when a handshake first needs this version.
 */
final class DatabaseCertificate implements StoredCertificate {

	private final CertificateSource source;

	private final String id;

	private final long version;

	private final List<String> names;

	private final Instant notBefore;

	private final Instant notAfter;

	private final KeyAlgorithm keyAlgorithm;

	private final byte[] leafSha256;

	private final String subject;

	private final String issuer;

	private final String serialNumber;

	private final String fingerprint;

	DatabaseCertificate(CertificateSource source, String id, long version, List<String> names, LeafSummary leaf) {
		this.source = source;
		this.id = id;
		this.version = version;
		this.names = List.copyOf(names);
		this.notBefore = leaf.notBefore();
		this.notAfter = leaf.notAfter();
		this.keyAlgorithm = leaf.keyAlgorithm();
		this.leafSha256 = leaf.sha256();
		this.subject = leaf.subject();
		this.issuer = leaf.issuer();
		this.serialNumber = leaf.serialNumber();
		this.fingerprint = leaf.fingerprint();
	}

	@Override
	public CertificateSource source() {
		return this.source;
	}

	@Override
	public String id() {
		return this.id;
	}

	/**
	 * The row's version (the store revision of its last write).
	 * @return the version
	 */
	long version() {
		return this.version;
	}

	@Override
	public List<String> names() {
		return this.names;
	}

	@Override
	public Instant notBefore() {
		return this.notBefore;
	}

	@Override
	public Instant notAfter() {
		return this.notAfter;
	}

	@Override
	public KeyAlgorithm keyAlgorithm() {
		return this.keyAlgorithm;
	}

	/**
	 * SHA-256 of the DER-encoded leaf, which binds the encrypted key to the certificate.
	 * @return the digest
	 */
	byte[] leafSha256() {
		return this.leafSha256.clone();
	}

	CertificateInfo info(Instant now) {
		CertificateStatus status = now.isAfter(this.notAfter) ? CertificateStatus.EXPIRED
				: now.isBefore(this.notBefore) ? CertificateStatus.NOT_YET_VALID : CertificateStatus.SERVING;
		return new CertificateInfo(this.source.name(), this.id, status, null, this.names, this.subject, this.issuer,
				this.serialNumber, this.notBefore, this.notAfter, this.keyAlgorithm, this.fingerprint);
	}

	@Override
	public String toString() {
		return "'" + this.id + "' (version " + this.version + ") " + this.names;
	}

}
