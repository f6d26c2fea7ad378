package io.github.snistarter.actuate.jdbc;

import io.github.snistarter.store.jdbc.JdbcCertificateSource;
import io.github.snistarter.store.jdbc.JdbcSourceState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The state of the PostgreSQL certificate store ({@code /actuator/health/sniDatabase}).
 * <p>
 * While the database is unreachable the replica keeps serving every certificate it has
 * loaded, so the status stays {@code UP} and taking the replica out of its load
 * balancer would only make things worse; the details say {@code database: DOWN}, since
 * when, and the last error, for alerting. Never contains key material.
 */
public class SniDatabaseHealthIndicator extends AbstractHealthIndicator {

	private final JdbcCertificateSource source;

	public SniDatabaseHealthIndicator(JdbcCertificateSource source) {
		super("PostgreSQL certificate store health check failed");
		this.source = source;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		JdbcSourceState state = this.source.state();
		builder.up()
			.withDetail("database", state.status().name())
			.withDetail("revision", state.revision())
			.withDetail("certificates", state.certificates())
			.withDetail("rejected", state.rejected());
		if (state.status() == JdbcSourceState.Status.DOWN) {
			builder.withDetail("serving", "certificates already loaded only; others fail until the database is back");
		}
		if (state.lastSync() != null) {
			builder.withDetail("lastSync", state.lastSync().toString());
		}
		if (state.downSince() != null) {
			builder.withDetail("downSince", state.downSince().toString());
		}
		if (state.lastError() != null) {
			builder.withDetail("lastError", state.lastError());
			if (state.lastErrorAt() != null) {
				builder.withDetail("lastErrorAt", state.lastErrorAt().toString());
			}
		}
	}

}
