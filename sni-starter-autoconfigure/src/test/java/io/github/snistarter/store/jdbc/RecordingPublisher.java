package io.github.snistarter.store.jdbc;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.StoredCertificate;
import org.jspecify.annotations.Nullable;

/**
 * Keeps what a source published, by certificate id, as the store would index it.
 */
final class RecordingPublisher implements CertificateSource.Publisher {

	private final Map<String, StoredCertificate> current = new ConcurrentHashMap<>();

	@Override
	public void publish(Collection<? extends StoredCertificate> added, Collection<? extends StoredCertificate> removed) {
		added.forEach((certificate) -> this.current.put(certificate.id(), certificate));
		removed.forEach((certificate) -> this.current.remove(certificate.id(), certificate));
	}

	@Nullable DatabaseCertificate get(String id) {
		return (DatabaseCertificate) this.current.get(id);
	}

	Map<String, StoredCertificate> all() {
		return Map.copyOf(this.current);
	}

}
