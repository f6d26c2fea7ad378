package io.github.snistarter.store;

import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * A place certificates come from: SSL bundles in {@code application.yml}, a directory
 * of PEM files, the {@link RuntimeCertificates runtime API}, or a database. A
 * {@link CertificateStore} composes any number of sources.
 * <p>
 * A source keeps the index of what it holds in memory and <em>publishes</em> it to the
 * store: every certificate when opened, then every change. Handshakes therefore never
 * query a source to find out whether a name is known; the only call that reaches a
 * source's backing store is {@link #createContext}, once per certificate version the
 * store needs, on a loader thread and under a deadline.
 * <p>
 * Declare a bean of this type to add a source to the auto-configured store.
 */
public interface CertificateSource {

	/**
	 * A short name for listings and logs, such as {@code directory /etc/certs}.
	 * @return the name
	 */
	String name();

	/**
	 * Start publishing: the certificates held now, then each later change, until the
	 * application stops. Called once by the store.
	 * @param publisher where to publish
	 */
	void open(Publisher publisher);

	/**
	 * Build the context that serves one of this source's certificates. May block (read
	 * a file, query a database); the store calls it on a loader thread, at most once at
	 * a time per certificate version, and caches the result.
	 * @param certificate a certificate this source published
	 * @param contexts builds a context from a chain and key with the server's TLS
	 * settings
	 * @return the context
	 * @throws Exception when the material cannot be loaded; the handshake then ends
	 * with {@code internal_error}
	 */
	SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts) throws Exception;

	/**
	 * Everything this source holds, including material it rejected, without key
	 * material.
	 * @return the certificates and rejections
	 */
	List<CertificateInfo> list();

	/**
	 * Receives what a source holds.
	 */
	@FunctionalInterface
	interface Publisher {

		/**
		 * Publish a change. Added certificates are visible before removed ones disappear,
		 * so a replacement (the new version added, the old one removed) never leaves a
		 * name uncovered. The next handshake sees the change.
		 * @param added certificates new in the source
		 * @param removed certificates no longer in the source
		 * @throws IllegalArgumentException when a certificate's name is neither a host
		 * name nor a {@code *.} wildcard
		 */
		void publish(Collection<? extends StoredCertificate> added, Collection<? extends StoredCertificate> removed);

	}

}
