package io.github.snistarter.store;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.pem.PemContent;

/**
 * Certificates registered from application code while the server runs. A certificate
 * serves the DNS names of its subject alternative names; the next handshake for one of
 * them sees a registration, replacement or removal, and connections already open keep
 * the certificate they negotiated.
 * <p>
 * Material is checked like every other source's (the key matches the certificate, the
 * chain is in order, the certificate names at least one host) and refused with an
 * {@link InvalidCertificateException} otherwise. A certificate outside its validity
 * period is accepted with a warning and served only for names no valid certificate
 * covers.
 *
 * <pre class="code">
 * CertificateInfo registered = runtimeCertificates.register(chainPem, privateKeyPem);
 * runtimeCertificates.replace(registered.id(), renewedChainPem, renewedKeyPem);
 * runtimeCertificates.remove(registered.id());
 * </pre>
 */
public final class RuntimeCertificates implements CertificateSource {

	private static final Logger logger = LoggerFactory.getLogger(RuntimeCertificates.class);

	private static final String ID_PREFIX = "runtime-";

	private final AtomicLong lastId = new AtomicLong();

	private final Map<String, CompactCertificate> certificates = new LinkedHashMap<>();

	private @Nullable Publisher publisher;

	@Override
	public String name() {
		return "runtime";
	}

	@Override
	public synchronized void open(Publisher publisher) {
		this.publisher = publisher;
		publisher.publish(List.copyOf(this.certificates.values()), List.of());
	}

	/**
	 * Register a certificate given as PEM.
	 * @param certificateChainPem the certificate chain, leaf first
	 * @param privateKeyPem the private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted)
	 * @return the registered certificate, whose {@link CertificateInfo#id() id} replaces
	 * or removes it
	 * @throws InvalidCertificateException when the material cannot be served
	 */
	public CertificateInfo register(String certificateChainPem, String privateKeyPem) {
		String id = nextId();
		return put(id, CertificateChecks.check(this, id, origin(id), certificates(id, certificateChainPem),
				privateKey(id, privateKeyPem)), false);
	}

	/**
	 * Register a certificate given as a key store entry.
	 * @param entry the private key and its certificate chain, leaf first
	 * @return the registered certificate, whose {@link CertificateInfo#id() id} replaces
	 * or removes it
	 * @throws InvalidCertificateException when the material cannot be served
	 */
	public CertificateInfo register(KeyStore.PrivateKeyEntry entry) {
		String id = nextId();
		return put(id, CertificateChecks.check(this, id, origin(id), certificates(id, entry.getCertificateChain()),
				entry.getPrivateKey()), false);
	}

	/**
	 * Replace a registered certificate, for example with its renewal. The names it
	 * serves are the new certificate's.
	 * @param id the id returned when it was registered
	 * @param certificateChainPem the new certificate chain, leaf first
	 * @param privateKeyPem the new private key
	 * @return the registered certificate
	 * @throws IllegalArgumentException when no certificate has this id
	 * @throws InvalidCertificateException when the material cannot be served; the
	 * previous certificate keeps serving
	 */
	public CertificateInfo replace(String id, String certificateChainPem, String privateKeyPem) {
		requireRegistered(id);
		return put(id, CertificateChecks.check(this, id, origin(id), certificates(id, certificateChainPem),
				privateKey(id, privateKeyPem)), true);
	}

	/**
	 * Replace a registered certificate with a key store entry.
	 * @param id the id returned when it was registered
	 * @param entry the new private key and certificate chain
	 * @return the registered certificate
	 * @throws IllegalArgumentException when no certificate has this id
	 * @throws InvalidCertificateException when the material cannot be served; the
	 * previous certificate keeps serving
	 */
	public CertificateInfo replace(String id, KeyStore.PrivateKeyEntry entry) {
		requireRegistered(id);
		return put(id, CertificateChecks.check(this, id, origin(id), certificates(id, entry.getCertificateChain()),
				entry.getPrivateKey()), true);
	}

	/**
	 * Remove a registered certificate: the next handshake for its names no longer gets
	 * it.
	 * @param id the id returned when it was registered
	 * @return whether a certificate was removed
	 */
	public synchronized boolean remove(String id) {
		CompactCertificate removed = this.certificates.remove(id);
		if (removed == null) {
			return false;
		}
		Publisher publisher = this.publisher;
		if (publisher != null) {
			publisher.publish(List.of(), List.of(removed));
		}
		logger.info("Removed runtime certificate {}", removed);
		return true;
	}

	@Override
	public synchronized List<CertificateInfo> list() {
		Instant now = Instant.now();
		List<CertificateInfo> list = new ArrayList<>(this.certificates.size());
		this.certificates.values().forEach((certificate) -> list.add(certificate.info(now)));
		return list;
	}

	@Override
	public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts)
			throws GeneralSecurityException {
		return ((CompactCertificate) certificate).createContext(contexts);
	}

	private synchronized CertificateInfo put(String id, CompactCertificate certificate, boolean replacing) {
		if (replacing) {
			requireRegistered(id);
		}
		CompactCertificate previous = this.certificates.put(id, certificate);
		Publisher publisher = this.publisher;
		if (publisher != null) {
			publisher.publish(List.of(certificate), (previous != null) ? List.of(previous) : List.of());
		}
		Instant now = Instant.now();
		logger.info("{} runtime certificate {}", (previous != null) ? "Replaced" : "Registered", certificate);
		CertificateChecks.warnIfNotValid(logger, origin(id), certificate, now);
		return certificate.info(now);
	}

	private synchronized void requireRegistered(String id) {
		if (!this.certificates.containsKey(id)) {
			throw new IllegalArgumentException("No runtime certificate has id '" + id + "'");
		}
	}

	private String nextId() {
		return ID_PREFIX + this.lastId.incrementAndGet();
	}

	private static String origin(String id) {
		return "runtime registration " + id;
	}

	private static List<X509Certificate> certificates(String id, String pem) {
		try {
			return PemContent.of(pem).getCertificates();
		}
		catch (RuntimeException ex) {
			throw new InvalidCertificateException(origin(id), "its certificate PEM cannot be read (" + ex.getMessage()
					+ ")");
		}
	}

	private static List<X509Certificate> certificates(String id, Certificate[] chain) {
		List<X509Certificate> certificates = new ArrayList<>(chain.length);
		for (Certificate certificate : chain) {
			if (!(certificate instanceof X509Certificate x509)) {
				throw new InvalidCertificateException(origin(id), "its chain holds a " + certificate.getType()
						+ " certificate, not X.509");
			}
			certificates.add(x509);
		}
		return certificates;
	}

	private static PrivateKey privateKey(String id, String pem) {
		PrivateKey key;
		try {
			key = PemContent.of(pem).getPrivateKey();
		}
		catch (RuntimeException ex) {
			// Spring's parser names the format problem, never the key bytes.
			throw new InvalidCertificateException(origin(id), "its private key PEM cannot be read (" + ex.getMessage()
					+ ")");
		}
		if (key == null) {
			throw new InvalidCertificateException(origin(id), "its private key PEM holds no key");
		}
		return key;
	}

}
