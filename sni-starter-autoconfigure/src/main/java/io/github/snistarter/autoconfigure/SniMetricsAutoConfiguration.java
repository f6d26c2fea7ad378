package io.github.snistarter.autoconfigure;

import io.github.snistarter.metrics.CertificateMeters;
import io.github.snistarter.metrics.HandshakeMetrics;
import io.github.snistarter.store.CertificateStore;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of per-SNI certificate selection: handshakes by outcome and alert,
 * selection time, certificates by status and days to expiry, and the store's cache.
 * Applies when the application has a {@link MeterRegistry}; {@code sni.metrics.enabled}
 * turns it off.
 */
@AutoConfiguration(after = SniAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, CertificateStore.class })
@ConditionalOnProperty(prefix = "sni.metrics", name = "enabled", matchIfMissing = true)
public final class SniMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HandshakeMetrics sniHandshakeMetrics(MeterRegistry registry, SniProperties properties) {
		SniProperties.Metrics metrics = properties.getMetrics();
		return new HandshakeMetrics(registry, metrics.isServerNameTag() ? Math.max(1, metrics.getMaxServerNames()) : 0);
	}

	@Bean
	@ConditionalOnMissingBean
	CertificateMeters sniCertificateMeters(CertificateStore store, SniProperties properties) {
		return new CertificateMeters(store, properties.getMetrics().getCertificateRefreshInterval());
	}

}
