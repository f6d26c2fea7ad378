package io.github.snistarter.store.jdbc;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link JdbcCertificateSource} stands with its database, for health checks and
 * operators. Never contains key material.
 *
 * @param status the connection status
 * @param revision the store revision this replica has applied, {@code -1} before the
 * first synchronization
 * @param certificates how many certificates the source serves
 * @param rejected how many rows it refused (listed with their reasons)
 * @param lastSync when the source last confirmed it holds every change, {@code null}
 * before the first time
 * @param downSince when the database became unreachable, {@code null} while it is
 * reachable
 * @param lastError the last connection or synchronization error, {@code null} when there
 * was none
 * @param lastErrorAt when that error happened
 */
public record JdbcSourceState(Status status, long revision, int certificates, int rejected,
		@Nullable Instant lastSync, @Nullable Instant downSince, @Nullable String lastError,
		@Nullable Instant lastErrorAt) {

	/**
	 * The connection status.
	 */
	public enum Status {

		/** Started, not synchronized yet. */
		CONNECTING,

		/** Listening for changes, every change applied. */
		UP,

		/**
		 * The database is unreachable: certificates already loaded keep serving, others fail
		 * at once; the source reconnects with back-off and then catches up.
		 */
		DOWN,

		/** Closed with the application. */
		STOPPED

	}

}
