package io.github.snistarter.autoconfigure;

import java.nio.file.Path;

import io.github.snistarter.actuate.CertificateInventory;
import io.github.snistarter.actuate.SniEndpoint;
import io.github.snistarter.actuate.SniHealthIndicator;
import io.github.snistarter.metrics.CertificateMeters;
import io.github.snistarter.metrics.HandshakeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.snistarter.testkit.PemFiles;
import io.github.snistarter.testkit.TestCa;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the Actuator and Micrometer auto-configurations apply, and how they back off.
 */
class SniOperationsAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SniAutoConfiguration.class,
				SniMetricsAutoConfiguration.class, SniActuatorAutoConfiguration.class));

	@Test
	void metricsNeedAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(HandshakeMetrics.class)
			.doesNotHaveBean(CertificateMeters.class));
	}

	@Test
	void metricsAreRegisteredWithAMeterRegistry() {
		this.runner.withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(HandshakeMetrics.class).hasSingleBean(CertificateMeters.class);
			assertThat(context.getBean(MeterRegistry.class).find("sni.handshakes").counters()).isNotEmpty();
		});
	}

	@Test
	void metricsCanBeTurnedOff() {
		this.runner.withUserConfiguration(RegistryConfiguration.class)
			.withPropertyValues("sni.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HandshakeMetrics.class)
				.doesNotHaveBean(CertificateMeters.class));
	}

	@Test
	void metricsBackOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HandshakeMetrics.class));
	}

	@Test
	void endpointAndHealthNeedTheActuator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CertificateInventory.class)
				.doesNotHaveBean(SniHealthIndicator.class));
	}

	@Test
	void healthContributorIsOnByDefaultAndCanBeTurnedOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(SniHealthIndicator.class)
			.hasBean("sniHealthIndicator"));
		this.runner.withPropertyValues("management.health.sni.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SniHealthIndicator.class));
	}

	@Test
	void endpointIsAvailableWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SniEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=sni")
			.run((context) -> assertThat(context).hasSingleBean(SniEndpoint.class));
	}

	@Test
	void healthIsDownWhenNoDefaultCertificateIsConfigured() {
		// Neither server.ssl nor sni.default-bundle: clients without SNI could not be served.
		this.runner.run((context) -> {
			Health health = context.getBean(SniHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("defaultCertificate")).hasFieldOrPropertyWithValue("status",
					"UNAVAILABLE");
		});
	}

	@Test
	void healthIsUpWithADefaultBundle(@TempDir Path directory) {
		PemFiles files = TestCa.shared().issue("default.test").writePem(directory, "default");
		this.runner
			.withPropertyValues("spring.ssl.bundle.pem.fallback.keystore.certificate=file:" + files.certificate(),
					"spring.ssl.bundle.pem.fallback.keystore.private-key=file:" + files.privateKey(),
					"sni.default-bundle=fallback")
			.run((context) -> assertThat(context.getBean(SniHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.UP));
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
