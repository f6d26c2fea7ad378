package io.github.snistarter.autoconfigure;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.actuate.CertificateInventory;
import io.github.snistarter.actuate.SniEndpoint;
import io.github.snistarter.actuate.SniHealthIndicator;
import io.github.snistarter.store.BundleCertificateStore;
import io.github.snistarter.store.CertificateStore;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot Actuator support for per-SNI certificate selection: the {@code sni}
 * endpoint (exposed like any other, for example with
 * {@code management.endpoints.web.exposure.include=sni}) and the {@code sni} health
 * contributor ({@code management.health.sni.enabled}).
 */
@AutoConfiguration(after = SniAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ CertificateStore.class, BundleCertificateStore.class, ActiveServerNameCallback.class })
public final class SniActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CertificateInventory sniCertificateInventory(CertificateStore store, BundleCertificateStore bundles,
			ActiveServerNameCallback callbacks, SniProperties properties) {
		return new CertificateInventory(store, bundles, callbacks, properties.getUnknownName());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	SniEndpoint sniEndpoint(CertificateInventory inventory) {
		return new SniEndpoint(inventory);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("sni")
	static class SniHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sniHealthIndicator")
		SniHealthIndicator sniHealthIndicator(CertificateInventory inventory, SniProperties properties) {
			return new SniHealthIndicator(inventory, properties.getHealth().getCertificateValidityWarningThreshold());
		}

	}

}
