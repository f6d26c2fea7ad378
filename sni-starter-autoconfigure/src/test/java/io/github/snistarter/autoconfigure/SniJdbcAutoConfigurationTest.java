package io.github.snistarter.autoconfigure;

import java.security.SecureRandom;
import java.util.Base64;

import javax.sql.DataSource;

import io.github.snistarter.actuate.jdbc.SniAdminEndpoint;
import io.github.snistarter.store.jdbc.JdbcCertificateSource;
import io.github.snistarter.store.jdbc.JdbcCertificates;
import io.github.snistarter.store.jdbc.KeyEncryption;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the PostgreSQL store is configured, and what a configuration mistake says. No
 * database is needed: nothing connects until the certificate store opens the source.
 */
class SniJdbcAutoConfigurationTest {

	private static final String KEY = "sni.jdbc.encryption.keys.k1.value=" + randomKey();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SniJdbcAutoConfiguration.class));

	@Test
	void offUnlessEnabled() {
		this.runner.withUserConfiguration(Database.class).withPropertyValues(KEY).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(JdbcCertificateSource.class);
		});
	}

	@Test
	void enabledRegistersTheSourceTheAdminApiAndTheMasterKeys() {
		this.runner.withUserConfiguration(Database.class)
			.withPropertyValues("sni.jdbc.enabled=true", KEY)
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcCertificateSource.class);
				assertThat(context).hasSingleBean(JdbcCertificates.class);
				assertThat(context.getBean(KeyEncryption.class).activeKeyId()).isEqualTo("k1");
				assertThat(context).doesNotHaveBean(SniAdminEndpoint.class);
			});
	}

	@Test
	void enabledWithoutADataSourceFailsWithAMessage() {
		this.runner.withPropertyValues("sni.jdbc.enabled=true", KEY)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sni.jdbc.enabled=true needs one DataSource"));
	}

	@Test
	void enabledWithoutAMasterKeyFailsWithAMessage() {
		this.runner.withUserConfiguration(Database.class)
			.withPropertyValues("sni.jdbc.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("No master key configured"));
	}

	@Test
	void aMalformedMasterKeyIsNamedButNotShown() {
		this.runner.withUserConfiguration(Database.class)
			.withPropertyValues("sni.jdbc.enabled=true", "sni.jdbc.encryption.keys.k1.value=c2hvcnQ=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sni.jdbc.encryption.keys.k1")
				.hasMessageContaining("AES-256 needs 32")
				.hasMessageNotContaining("c2hvcnQ="));
	}

	@Test
	void backsOffWithoutThePostgresDriver() {
		this.runner.withUserConfiguration(Database.class)
			.withClassLoader(new FilteredClassLoader(PGConnection.class))
			.withPropertyValues("sni.jdbc.enabled=true", KEY)
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcCertificateSource.class));
	}

	@Test
	void theAdminEndpointNeedsItsOwnSwitchEvenWhenEveryEndpointIsExposed() {
		WebApplicationContextRunner withActuator = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SniJdbcAutoConfiguration.class, EndpointAutoConfiguration.class))
			.withUserConfiguration(Database.class)
			.withPropertyValues("sni.jdbc.enabled=true", KEY, "management.endpoints.web.exposure.include=*");
		withActuator.run((context) -> assertThat(context).doesNotHaveBean(SniAdminEndpoint.class));
		withActuator.withPropertyValues("sni.jdbc.admin-endpoint.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(SniAdminEndpoint.class));
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	@Configuration(proxyBeanMethods = false)
	static class Database {

		@Bean
		DataSource dataSource() {
			return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
		}

	}

}
