package io.github.snistarter.autoconfigure;

import java.util.Map;

import javax.sql.DataSource;

import io.github.snistarter.actuate.jdbc.SniAdminEndpoint;
import io.github.snistarter.actuate.jdbc.SniDatabaseHealthIndicator;
import io.github.snistarter.store.jdbc.JdbcCertificateSource;
import io.github.snistarter.store.jdbc.JdbcCertificates;
import io.github.snistarter.store.jdbc.JdbcSchema;
import io.github.snistarter.store.jdbc.KeyEncryption;
import org.postgresql.PGConnection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The PostgreSQL certificate store for fleets, on with {@code sni.jdbc.enabled=true}:
 * the {@link JdbcCertificateSource} the certificate store composes with the other
 * sources, the {@link JdbcCertificates} admin API, the master keys, and, when asked
 * for, the schema and the privileged {@code sniadmin} endpoint.
 * <p>
 * It uses the application's {@link DataSource}; enabling it without one fails the start
 * with a message rather than leaving the fleet without its certificates.
 */
@AutoConfiguration(before = SniAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ JdbcTemplate.class, PGConnection.class })
@ConditionalOnBooleanProperty(name = "sni.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "sni.jdbc.enabled")
@EnableConfigurationProperties(SniProperties.class)
public final class SniJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KeyEncryption sniJdbcKeyEncryption(SniProperties properties) {
		SniProperties.Jdbc.Encryption encryption = properties.getJdbc().getEncryption();
		KeyEncryption.Builder builder = KeyEncryption.builder().activeKey(encryption.getActiveKey());
		for (Map.Entry<String, SniProperties.Jdbc.MasterKey> entry : encryption.getKeys().entrySet()) {
			String id = entry.getKey();
			SniProperties.Jdbc.MasterKey key = entry.getValue();
			String where = "sni.jdbc.encryption.keys." + id;
			if ((key.getValue() != null) == (key.getFile() != null)) {
				throw new IllegalStateException(where + " needs exactly one of 'value' and 'file'");
			}
			try {
				if (key.getFile() != null) {
					builder.keyFile(id, key.getFile());
				}
				else {
					builder.key(id, key.getValue());
				}
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(where + ": " + ex.getMessage());
			}
		}
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("sni.jdbc.encryption: " + ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	JdbcCertificateSource sniJdbcCertificateSource(ObjectProvider<DataSource> dataSource, KeyEncryption encryption,
			SniProperties properties) {
		SniProperties.Jdbc jdbc = properties.getJdbc();
		DataSource database = requireDataSource(dataSource);
		if (jdbc.isCreateSchema()) {
			JdbcSchema.create(database);
		}
		return JdbcCertificateSource.builder(database, encryption)
			.pollInterval(jdbc.getPollInterval())
			.queryTimeout(jdbc.getQueryTimeout())
			.reconnectMaxDelay(jdbc.getReconnectMaxDelay())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	JdbcCertificates sniJdbcCertificates(ObjectProvider<DataSource> dataSource, KeyEncryption encryption) {
		return new JdbcCertificates(requireDataSource(dataSource), encryption);
	}

	private static DataSource requireDataSource(ObjectProvider<DataSource> dataSource) {
		DataSource database = dataSource.getIfUnique();
		if (database == null) {
			throw new IllegalStateException("sni.jdbc.enabled=true needs one DataSource for the PostgreSQL "
					+ "certificate store: add spring-boot-starter-jdbc and set spring.datasource.url");
		}
		return database;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("sniDatabase")
	static class DatabaseHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sniDatabaseHealthIndicator")
		SniDatabaseHealthIndicator sniDatabaseHealthIndicator(JdbcCertificateSource source) {
			return new SniDatabaseHealthIndicator(source);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	@ConditionalOnBooleanProperty(name = "sni.jdbc.admin-endpoint.enabled")
	static class AdminEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		SniAdminEndpoint sniAdminEndpoint(JdbcCertificates certificates) {
			return new SniAdminEndpoint(certificates);
		}

	}

}
