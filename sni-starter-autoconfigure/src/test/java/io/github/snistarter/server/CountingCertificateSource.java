package io.github.snistarter.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.KeyAlgorithm;
import io.github.snistarter.store.StoredCertificate;
import io.github.snistarter.testkit.IssuedCertificate;
import org.jspecify.annotations.Nullable;

/**
 * A source standing in for a remote store (a database): it keeps its index in memory as
 * the contract asks, counts every load of key material (the calls that would reach the
 * backend), and can be made slow.
 */
public final class CountingCertificateSource implements CertificateSource {

	private final Map<String, Held> certificates = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	private volatile Duration loadDelay = Duration.ZERO;

	private volatile boolean failing;

	private volatile @Nullable Publisher publisher;

	@Override
	public String name() {
		return "counting";
	}

	@Override
	public void open(Publisher publisher) {
		this.publisher = publisher;
		publisher.publish(List.copyOf(this.certificates.values()), List.of());
	}

	/** Hold a certificate under an id; it serves its DNS names. */
	public StoredCertificate add(String id, IssuedCertificate certificate) {
		Held held = new Held(this, id, certificate);
		Held previous = this.certificates.put(id, held);
		Publisher publisher = this.publisher;
		if (publisher != null) {
			publisher.publish(List.of(held), (previous != null) ? List.of(previous) : List.of());
		}
		return held;
	}

	/** How many times key material was loaded: the store queries that reach the backend. */
	public int loads() {
		return this.loads.get();
	}

	/** Make every load take this long, like a slow database. */
	public void delayLoads(Duration delay) {
		this.loadDelay = delay;
	}

	/** Make every load fail, like a backend that is down, or work again. */
	public void failLoads(boolean failing) {
		this.failing = failing;
	}

	@Override
	public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts)
			throws Exception {
		this.loads.incrementAndGet();
		Thread.sleep(this.loadDelay.toMillis());
		if (this.failing) {
			throw new IllegalStateException("Backend of " + certificate.id() + " is down");
		}
		IssuedCertificate issued = ((Held) certificate).certificate;
		return contexts.create(List.of(issued.chain()), issued.privateKey());
	}

	@Override
	public List<CertificateInfo> list() {
		List<CertificateInfo> list = new ArrayList<>();
		this.certificates.values().forEach((held) -> list.add(CertificateInfo.of(held, held.certificate.certificate(),
				Instant.now())));
		return list;
	}

	private static final class Held implements StoredCertificate {

		private final CertificateSource source;

		private final String id;

		private final IssuedCertificate certificate;

		Held(CertificateSource source, String id, IssuedCertificate certificate) {
			this.source = source;
			this.id = id;
			this.certificate = certificate;
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
			return this.certificate.dnsNames();
		}

		@Override
		public Instant notBefore() {
			return this.certificate.certificate().getNotBefore().toInstant();
		}

		@Override
		public Instant notAfter() {
			return this.certificate.certificate().getNotAfter().toInstant();
		}

		@Override
		public KeyAlgorithm keyAlgorithm() {
			return KeyAlgorithm.of(this.certificate.certificate().getPublicKey());
		}

	}

}
