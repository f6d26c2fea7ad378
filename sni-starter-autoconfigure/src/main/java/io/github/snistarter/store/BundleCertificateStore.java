package io.github.snistarter.store;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import io.github.snistarter.store.ServerNameTable.Match;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Certificates from Spring Boot SSL bundles ({@code spring.ssl.bundle.*}), mapped to
 * server-name patterns. Each bundle's context is built once when the store starts and
 * again only when the bundle changes ({@code reload-on-update: true}); a changed bundle
 * that is unusable or no longer covers its names is rejected with a log line and the
 * previous version keeps serving.
 */
public final class BundleCertificateStore {

	private static final Logger logger = LoggerFactory.getLogger(BundleCertificateStore.class);

	private final Map<ServerNamePattern, String> bundleNames;

	private final @Nullable String defaultBundleName;

	private final TrustManager @Nullable [] fallbackTrust;

	private final @Nullable SSLContext serverContext;

	private final Map<String, CertificateEntry> entries = new ConcurrentHashMap<>();

	private volatile ServerNameTable<CertificateEntry> table;

	/**
	 * Load every mapped bundle. Fails fast: an application whose configured certificates
	 * cannot serve their names does not start.
	 * @param sslBundles the application's bundles
	 * @param bundleNames bundle names by server-name pattern
	 * @param defaultBundleName the bundle for clients without SNI and unknown names, or
	 * {@code null} to use the connector's own default
	 * @param serverBundle the bundle the server itself uses ({@code server.ssl}), whose
	 * trust material also serves bundles that have none; {@code null} if unknown
	 * @throws InvalidCertificateException when a bundle cannot serve its names
	 */
	public BundleCertificateStore(SslBundles sslBundles, Map<ServerNamePattern, String> bundleNames,
			@Nullable String defaultBundleName, @Nullable SslBundle serverBundle) {
		this.bundleNames = new LinkedHashMap<>(bundleNames);
		this.defaultBundleName = defaultBundleName;
		this.fallbackTrust = (serverBundle != null) ? serverBundle.getManagers().getTrustManagers() : null;
		this.serverContext = (serverBundle != null) ? serverBundle.createSslContext() : null;
		for (String bundleName : bundleNamesInUse()) {
			CertificateEntry entry = checked(bundleName, sslBundles.getBundle(bundleName));
			this.entries.put(bundleName, entry);
			logger.info("Loaded certificate {} for {}", entry, patternsOf(bundleName));
		}
		this.table = buildTable();
		for (String bundleName : bundleNamesInUse()) {
			sslBundles.addBundleUpdateHandler(bundleName, (bundle) -> reload(bundleName, bundle));
		}
	}

	/**
	 * The certificate registered for a server name.
	 * @param serverName a lower-case A-label
	 * @return the certificate and whether it matched exactly or by wildcard, or
	 * {@code null} when no pattern covers the name
	 */
	public @Nullable Selection find(String serverName) {
		Match<CertificateEntry> match = this.table.find(serverName);
		return (match != null) ? new Selection(match.value(), match.rule()) : null;
	}

	/**
	 * The certificate for clients without SNI, if the store has one.
	 * @return the default certificate, or {@code null} to use the connector's
	 */
	public @Nullable CertificateEntry defaultEntry() {
		return (this.defaultBundleName != null) ? this.entries.get(this.defaultBundleName) : null;
	}

	/**
	 * The context that serves clients without SNI.
	 * @return the default certificate's context, else the server's, else {@code null}
	 */
	public @Nullable SSLContext defaultContext() {
		CertificateEntry entry = defaultEntry();
		return (entry != null) ? entry.context() : this.serverContext;
	}

	/**
	 * Every loaded certificate with the patterns it serves.
	 * @return the entries by pattern, in configuration order
	 */
	public Map<ServerNamePattern, CertificateEntry> entries() {
		Map<ServerNamePattern, CertificateEntry> result = new LinkedHashMap<>();
		this.bundleNames.forEach((pattern, bundleName) -> result.put(pattern, this.entries.get(bundleName)));
		return result;
	}

	private void reload(String bundleName, SslBundle bundle) {
		try {
			CertificateEntry entry = checked(bundleName, bundle);
			this.entries.put(bundleName, entry);
			this.table = buildTable();
			logger.info("Replaced certificate of bundle '{}' with {} for {}", bundleName, entry, patternsOf(bundleName));
		}
		catch (InvalidCertificateException ex) {
			logger.error("{}; the previous certificate keeps serving {}", ex.getMessage(), patternsOf(bundleName));
		}
		catch (RuntimeException ex) {
			logger.error("Certificate from bundle '{}' rejected: {}; the previous certificate keeps serving {}",
					bundleName, ex.getMessage(), patternsOf(bundleName));
		}
	}

	private CertificateEntry checked(String bundleName, SslBundle bundle) {
		CertificateEntry entry = SslBundleContexts.load(bundleName, bundle, this.fallbackTrust);
		for (ServerNamePattern pattern : patternsOf(bundleName)) {
			if (!CertificateCoverage.covers(entry.certificate(), pattern)) {
				throw new InvalidCertificateException(entry.source(), "it does not cover server name '" + pattern
						+ "' (its DNS names: " + CertificateCoverage.dnsNames(entry.certificate()) + ")");
			}
		}
		warnIfNotCurrent(entry);
		return entry;
	}

	private static void warnIfNotCurrent(CertificateEntry entry) {
		X509Certificate certificate = entry.certificate();
		try {
			certificate.checkValidity(new Date());
		}
		catch (CertificateExpiredException ex) {
			logger.warn("Certificate {} expired on {}; clients will refuse it", entry, certificate.getNotAfter());
		}
		catch (CertificateNotYetValidException ex) {
			logger.warn("Certificate {} is not valid before {}; clients will refuse it", entry,
					certificate.getNotBefore());
		}
	}

	private List<String> bundleNamesInUse() {
		java.util.Set<String> names = new java.util.LinkedHashSet<>(this.bundleNames.values());
		if (this.defaultBundleName != null) {
			names.add(this.defaultBundleName);
		}
		return List.copyOf(names);
	}

	private List<ServerNamePattern> patternsOf(String bundleName) {
		return this.bundleNames.entrySet()
			.stream()
			.filter((mapping) -> mapping.getValue().equals(bundleName))
			.map(Map.Entry::getKey)
			.toList();
	}

	private ServerNameTable<CertificateEntry> buildTable() {
		Map<ServerNamePattern, CertificateEntry> byPattern = new LinkedHashMap<>();
		this.bundleNames.forEach((pattern, bundleName) -> byPattern.put(pattern, this.entries.get(bundleName)));
		return ServerNameTable.of(byPattern);
	}

}
