package io.github.snistarter.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Certificates from Spring Boot SSL bundles ({@code spring.ssl.bundle.*}), mapped to
 * server-name patterns in {@code application.yml}; also the default certificate
 * ({@code sni.default-bundle}). Each bundle's context is built once when the store
 * starts and again only when the bundle changes ({@code reload-on-update: true}); a
 * changed bundle that is unusable or no longer covers its names is rejected with a log
 * line and the previous version keeps serving.
 */
public final class BundleCertificateStore implements CertificateSource {

	private static final Logger logger = LoggerFactory.getLogger(BundleCertificateStore.class);

	private final Map<ServerNamePattern, String> bundleNames;

	private final @Nullable String defaultBundleName;

	private final TrustManager @Nullable [] fallbackTrust;

	private final @Nullable SSLContext serverContext;

	private final Map<String, BundleCertificate> certificates = new ConcurrentHashMap<>();

	private final Map<String, String> rejections = new ConcurrentHashMap<>();

	private volatile @Nullable Publisher publisher;

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
			BundleCertificate certificate = checked(bundleName, sslBundles.getBundle(bundleName));
			this.certificates.put(bundleName, certificate);
			logger.info("Loaded certificate {} for {}", certificate, patternsOf(bundleName));
		}
		for (String bundleName : bundleNamesInUse()) {
			sslBundles.addBundleUpdateHandler(bundleName, (bundle) -> reload(bundleName, bundle));
		}
	}

	@Override
	public String name() {
		return "bundles";
	}

	@Override
	public void open(Publisher publisher) {
		this.publisher = publisher;
		publisher.publish(this.certificates.values().stream().filter((c) -> !c.names().isEmpty()).toList(),
				List.of());
	}

	@Override
	public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts) {
		return ((BundleCertificate) certificate).entry().context();
	}

	@Override
	public List<CertificateInfo> list() {
		Instant now = Instant.now();
		List<CertificateInfo> list = new ArrayList<>();
		for (String bundleName : bundleNamesInUse()) {
			BundleCertificate certificate = this.certificates.get(bundleName);
			if (certificate != null) {
				list.add(CertificateInfo.of(certificate, certificate.leaf(), now));
			}
			String rejection = this.rejections.get(bundleName);
			if (rejection != null) {
				list.add(CertificateInfo.rejected(name(), bundleName, rejection));
			}
		}
		return list;
	}

	/**
	 * The certificate for clients without SNI, if the store has one.
	 * @return the default bundle's certificate, or {@code null} to use the connector's
	 */
	public @Nullable StoredCertificate defaultCertificate() {
		return (this.defaultBundleName != null) ? this.certificates.get(this.defaultBundleName) : null;
	}

	/**
	 * The context that serves clients without SNI.
	 * @return the default certificate's context, else the server's, else {@code null}
	 */
	public @Nullable SSLContext defaultContext() {
		BundleCertificate certificate = (this.defaultBundleName != null)
				? this.certificates.get(this.defaultBundleName) : null;
		return (certificate != null) ? certificate.entry().context() : this.serverContext;
	}

	private void reload(String bundleName, SslBundle bundle) {
		try {
			BundleCertificate certificate = checked(bundleName, bundle);
			BundleCertificate previous = this.certificates.put(bundleName, certificate);
			this.rejections.remove(bundleName);
			Publisher publisher = this.publisher;
			if (publisher != null && !certificate.names().isEmpty()) {
				publisher.publish(List.of(certificate), (previous != null) ? List.of(previous) : List.of());
			}
			logger.info("Replaced certificate of bundle '{}' with {} for {}", bundleName, certificate,
					patternsOf(bundleName));
		}
		catch (InvalidCertificateException ex) {
			this.rejections.put(bundleName, ex.getReason());
			logger.error("{}; the previous certificate keeps serving {}", ex.getMessage(), patternsOf(bundleName));
		}
		catch (RuntimeException ex) {
			this.rejections.put(bundleName, String.valueOf(ex.getMessage()));
			logger.error("Certificate from bundle '{}' rejected: {}; the previous certificate keeps serving {}",
					bundleName, ex.getMessage(), patternsOf(bundleName));
		}
	}

	private BundleCertificate checked(String bundleName, SslBundle bundle) {
		CertificateEntry entry = SslBundleContexts.load(bundleName, bundle, this.fallbackTrust);
		for (ServerNamePattern pattern : patternsOf(bundleName)) {
			if (!CertificateCoverage.covers(entry.certificate(), pattern)) {
				throw new InvalidCertificateException(entry.source(), "it does not cover server name '" + pattern
						+ "' (its DNS names: " + CertificateCoverage.dnsNames(entry.certificate()) + ")");
			}
		}
		BundleCertificate certificate = new BundleCertificate(this, bundleName, patternsOf(bundleName), entry);
		CertificateChecks.warnIfNotValid(logger, entry.source(), certificate, Instant.now());
		return certificate;
	}

	private List<String> bundleNamesInUse() {
		LinkedHashSet<String> names = new LinkedHashSet<>(this.bundleNames.values());
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

}
