package io.github.snistarter.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.core.HandshakeObserver;
import io.github.snistarter.core.ServerNameSelector;
import io.github.snistarter.store.BundleCertificateStore;
import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.CertificateStoreCallback;
import io.github.snistarter.store.DirectoryCertificates;
import io.github.snistarter.store.RuntimeCertificates;
import io.github.snistarter.store.ServerNamePattern;
import io.github.snistarter.tomcat.SniTomcatWebServerFactoryCustomizer;
import org.apache.catalina.startup.Tomcat;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerSslBundle;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Per-SNI certificate selection for the embedded web server. Registers the certificate
 * store composed of the SSL bundles mapped under {@code sni.*}, the directory at
 * {@code sni.directory.path}, the {@link RuntimeCertificates runtime API} and any other
 * {@link CertificateSource} bean; the default {@link ServerNameCallback} that serves it
 * (unless the application declares its own), the
 * {@link ActiveServerNameCallback} that can replace it at runtime, and the adapter for
 * the embedded server.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnProperty(prefix = "sni", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(SslBundles.class)
@EnableConfigurationProperties(SniProperties.class)
public final class SniAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BundleCertificateStore sniBundleCertificates(SniProperties properties, SslBundles sslBundles,
			ObjectProvider<ServerProperties> serverProperties) {
		return new BundleCertificateStore(sslBundles, patterns(properties.getServerNameBundles()),
				properties.getDefaultBundle(), serverBundle(serverProperties.getIfAvailable(), sslBundles));
	}

	@Bean
	@ConditionalOnMissingBean
	RuntimeCertificates sniRuntimeCertificates() {
		return new RuntimeCertificates();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "sni.directory", name = "path")
	DirectoryCertificates sniDirectoryCertificates(SniProperties properties) {
		SniProperties.Directory directory = properties.getDirectory();
		Path path = directory.getPath();
		if (path == null || !Files.isDirectory(path)) {
			throw new IllegalStateException("sni.directory.path: " + path + " is not a directory");
		}
		return new DirectoryCertificates(path, directory.getQuietPeriod(), directory.getRescanInterval(),
				directory.getPassword());
	}

	@Bean
	@ConditionalOnMissingBean
	CertificateContextFactory sniCertificateContextFactory(SslBundles sslBundles,
			ObjectProvider<ServerProperties> serverProperties) {
		SslBundle serverBundle = serverBundle(serverProperties.getIfAvailable(), sslBundles);
		return (serverBundle != null)
				? new CertificateContextFactory(serverBundle.getProtocol(),
						serverBundle.getManagers().getTrustManagers())
				: new CertificateContextFactory("TLS", null);
	}

	@Bean
	@ConditionalOnMissingBean
	CertificateStore sniCertificateStore(ObjectProvider<CertificateSource> sources,
			CertificateContextFactory contextFactory, SniProperties properties) {
		List<CertificateSource> ordered = sources.orderedStream()
			.sorted(Comparator.comparingInt(SniAutoConfiguration::precedence))
			.toList();
		return new CertificateStore(ordered, contextFactory, properties.getCache().getMaxContexts(),
				properties.getCache().getLoadThreads());
	}

	@Bean
	@ConditionalOnMissingBean(ServerNameCallback.class)
	CertificateStoreCallback sniServerNameCallback(CertificateStore store, BundleCertificateStore bundles,
			SniProperties properties) {
		return new CertificateStoreCallback(store, bundles, properties.getUnknownName(), properties.getStoreTimeout());
	}

	/**
	 * Breaks ties between otherwise equal certificates: code beats files beats
	 * configuration, as the more deliberate act usually comes later.
	 */
	private static int precedence(CertificateSource source) {
		if (source instanceof RuntimeCertificates) {
			return 0;
		}
		if (source instanceof DirectoryCertificates) {
			return 1;
		}
		return (source instanceof BundleCertificateStore) ? 3 : 2;
	}

	@Bean
	@ConditionalOnMissingBean
	ActiveServerNameCallback activeServerNameCallback(ServerNameCallback callback) {
		return new ActiveServerNameCallback(callback);
	}

	@Bean
	@ConditionalOnMissingBean
	ServerNameSelector serverNameSelector(ActiveServerNameCallback callbacks, BundleCertificateStore store,
			SniProperties properties, ObjectProvider<HandshakeObserver> observers) {
		return new ServerNameSelector(callbacks, () -> defaultContext(store), properties.getFailureLogInterval(),
				HandshakeObserver.of(observers.orderedStream().toList()));
	}

	private static SSLContext defaultContext(BundleCertificateStore store) {
		SSLContext context = store.defaultContext();
		if (context != null) {
			return context;
		}
		try {
			return SSLContext.getDefault();
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException("No default SSLContext", ex);
		}
	}

	private static Map<ServerNamePattern, String> patterns(List<SniProperties.ServerNameBundle> mappings) {
		Map<ServerNamePattern, String> patterns = new LinkedHashMap<>();
		for (int i = 0; i < mappings.size(); i++) {
			SniProperties.ServerNameBundle mapping = mappings.get(i);
			String where = "sni.server-name-bundles[" + i + "]";
			if (!StringUtils.hasText(mapping.getServerName()) || !StringUtils.hasText(mapping.getBundle())) {
				throw new IllegalStateException(where + " needs both 'server-name' and 'bundle'");
			}
			ServerNamePattern pattern;
			try {
				pattern = ServerNamePattern.parse(mapping.getServerName());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(where + ".server-name: " + ex.getMessage());
			}
			if (patterns.putIfAbsent(pattern, mapping.getBundle()) != null) {
				throw new IllegalStateException(where + ".server-name: '" + pattern + "' is mapped twice");
			}
		}
		return patterns;
	}

	private static @Nullable SslBundle serverBundle(@Nullable ServerProperties serverProperties,
			SslBundles sslBundles) {
		Ssl ssl = (serverProperties != null) ? serverProperties.getSsl() : null;
		return Ssl.isEnabled(ssl) ? WebServerSslBundle.get(ssl, sslBundles) : null;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, TomcatWebServerFactory.class })
	static class TomcatAdapterConfiguration {

		@Bean
		SniTomcatWebServerFactoryCustomizer sniTomcatWebServerFactoryCustomizer(ServerNameSelector selector) {
			return new SniTomcatWebServerFactoryCustomizer(selector);
		}

	}

}
