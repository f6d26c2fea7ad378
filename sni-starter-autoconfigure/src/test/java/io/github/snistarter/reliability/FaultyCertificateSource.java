package io.github.snistarter.reliability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * A source standing in for a remote store that fails: its loads of key material work,
 * throw, or stall until released. Like every source it keeps its index in memory, so
 * only loads (the first handshake for each certificate version) can fail.
 */
final class FaultyCertificateSource implements CertificateSource {

	enum Mode {

		WORKING, THROWING, STALLING

	}

	private final AtomicInteger loads = new AtomicInteger();

	private final List<Held> held = new ArrayList<>();

	private volatile Mode mode = Mode.WORKING;

	private volatile CountDownLatch release = new CountDownLatch(0);

	private volatile @Nullable Publisher publisher;

	@Override
	public String name() {
		return "faulty";
	}

	@Override
	public synchronized void open(Publisher publisher) {
		this.publisher = publisher;
		publisher.publish(List.copyOf(this.held), List.of());
	}

	/** Publish a new version of the certificate held under {@code id}; its context is not loaded yet. */
	synchronized void put(String id, IssuedCertificate certificate) {
		Held version = new Held(this, id, certificate);
		List<Held> previous = this.held.stream().filter((h) -> h.id.equals(id)).toList();
		this.held.removeAll(previous);
		this.held.add(version);
		Publisher publisher = this.publisher;
		if (publisher != null) {
			publisher.publish(List.of(version), previous);
		}
	}

	void mode(Mode mode) {
		if (mode == Mode.STALLING) {
			this.release = new CountDownLatch(1);
		}
		this.mode = mode;
		if (mode != Mode.STALLING) {
			this.release.countDown();
		}
	}

	int loads() {
		return this.loads.get();
	}

	@Override
	public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts)
			throws Exception {
		this.loads.incrementAndGet();
		switch (this.mode) {
			case THROWING -> throw new IllegalStateException("backend unavailable");
			case STALLING -> {
				// A backend that does not answer; bounded only so the test JVM can always end.
				if (!this.release.await(5, TimeUnit.MINUTES)) {
					throw new IllegalStateException("still stalled");
				}
			}
			default -> {
			}
		}
		IssuedCertificate issued = ((Held) certificate).certificate;
		return contexts.create(List.of(issued.chain()), issued.privateKey());
	}

	@Override
	public synchronized List<CertificateInfo> list() {
		List<CertificateInfo> list = new ArrayList<>();
		this.held.forEach((h) -> list.add(CertificateInfo.of(h, h.certificate.certificate(), Instant.now())));
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
