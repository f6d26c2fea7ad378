package io.github.snistarter.store;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * A checked certificate kept in the least memory that can serve it again: the leaf as
 * DER, the intermediates shared with every certificate of the same issuer, the key as
 * PKCS#8, and what selection reads as plain fields. Parsed objects and the
 * {@link SSLContext} are only built when a handshake needs them.
 */
final class CompactCertificate implements StoredCertificate {

	private final CertificateSource source;

	private final String id;

	private final String[] names;

	private final long notBefore;

	private final long notAfter;

	private final KeyAlgorithm keyAlgorithm;

	private final byte[] leaf;

	private final IssuerChain issuers;

	private final StoredKey key;

	private CompactCertificate(CertificateSource source, String id, String[] names, long notBefore, long notAfter,
			KeyAlgorithm keyAlgorithm, byte[] encodedLeaf, IssuerChain issuers, StoredKey key) {
		this.source = source;
		this.id = id;
		this.names = names;
		this.notBefore = notBefore;
		this.notAfter = notAfter;
		this.keyAlgorithm = keyAlgorithm;
		this.leaf = encodedLeaf;
		this.issuers = issuers;
		this.key = key;
	}

	/**
	 * A certificate checked from its encodings, without parsing the leaf or the key.
	 * @param source the source that holds it
	 * @param id its identifier within the source
	 * @param names the server-name patterns it serves
	 * @param leaf what the leaf holds
	 * @param encodedLeaf the leaf's DER
	 * @param issuers the intermediates
	 * @param key the private key
	 * @return the certificate
	 */
	static CompactCertificate of(CertificateSource source, String id, List<String> names, LeafSummary leaf,
			byte[] encodedLeaf, List<X509Certificate> issuers, StoredKey key) {
		return new CompactCertificate(source, id, names.toArray(String[]::new), leaf.notBefore(), leaf.notAfter(),
				leaf.keyAlgorithm(), encodedLeaf, IssuerChain.of(issuers), key);
	}

	static CompactCertificate of(CertificateSource source, String id, String origin, List<String> names,
			List<X509Certificate> chain, PrivateKey key) {
		X509Certificate leaf = chain.get(0);
		try {
			return new CompactCertificate(source, id, names.toArray(String[]::new), leaf.getNotBefore().getTime(),
					leaf.getNotAfter().getTime(), KeyAlgorithm.of(leaf.getPublicKey()), leaf.getEncoded(),
					IssuerChain.of(chain.subList(1, chain.size())), StoredKey.of(key));
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidCertificateException(origin, "its certificate cannot be encoded (" + ex.getMessage() + ")");
		}
	}

	@Override
	public CertificateSource source() {
		return this.source;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public List<String> names() {
		return List.of(this.names);
	}

	@Override
	public Instant notBefore() {
		return Instant.ofEpochMilli(this.notBefore);
	}

	@Override
	public Instant notAfter() {
		return Instant.ofEpochMilli(this.notAfter);
	}

	@Override
	public KeyAlgorithm keyAlgorithm() {
		return this.keyAlgorithm;
	}

	@Override
	public boolean isValidAt(Instant now) {
		long millis = now.toEpochMilli();
		return millis >= this.notBefore && millis <= this.notAfter;
	}

	X509Certificate leaf() throws GeneralSecurityException {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(this.leaf));
	}

	List<X509Certificate> chain() throws GeneralSecurityException {
		List<X509Certificate> chain = new ArrayList<>(this.issuers.certificates().size() + 1);
		chain.add(leaf());
		chain.addAll(this.issuers.certificates());
		return chain;
	}

	SSLContext createContext(CertificateContextFactory contexts) throws GeneralSecurityException {
		return contexts.create(chain(), this.key.toPrivateKey());
	}

	CertificateInfo info(Instant now) {
		try {
			return CertificateInfo.of(this, leaf(), now);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Stored certificate " + this.id + " cannot be parsed again", ex);
		}
	}

	@Override
	public String toString() {
		return this.id + " " + List.of(this.names);
	}

}
