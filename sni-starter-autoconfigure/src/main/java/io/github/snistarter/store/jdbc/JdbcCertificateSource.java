package io.github.snistarter.store.jdbc;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.sql.DataSource;

import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.CertificateValidation;
import io.github.snistarter.store.InvalidCertificateException;
import io.github.snistarter.store.ServerNamePattern;
import io.github.snistarter.store.StoredCertificate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Certificates shared by a fleet of replicas through a PostgreSQL database (table
 * {@code sni_certificate}, see {@code schema-postgresql.sql}).
 * <p>
 * <b>Index in memory, material on demand.</b> The source keeps what selection needs
 * (names, validity, key type, id and version of each row) and publishes it to the
 * store; a handshake never queries the database to find out whether a name is known.
 * The chain and the encrypted key of a certificate are read when a handshake first
 * needs that version: one query, on the store's loader thread.
 * <p>
 * <b>Changes.</b> A background thread holds one connection that listens on channel
 * {@code sni_certificate_changes}, which the table's trigger notifies on every commit,
 * by the starter or by plain SQL. Every {@code poll-interval} it also reads the store
 * revision, in case a notification was missed. Both lead to the same synchronization:
 * when the revision differs from the one applied, compare every row's version with the
 * versions applied, read the rows that differ, and publish additions, replacements and
 * removals. Nothing is missed (a revision is taken in commit order) and nothing is
 * applied twice (a version already applied is skipped).
 * <p>
 * <b>Outages.</b> When the database becomes unreachable the source keeps its index, so
 * certificates whose contexts are cached keep serving; a certificate that would need a
 * query fails at once instead of waiting. The thread reconnects with exponential
 * back-off and, once connected, catches up on whatever changed meanwhile.
 * {@link #state()} tells where it stands.
 */
public final class JdbcCertificateSource implements CertificateSource, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(JdbcCertificateSource.class);

	private static final String NAME = "database";

	private final JdbcTemplate jdbc;

	private final KeyEncryption encryption;

	private final Duration queryTimeout;

	private final Clock clock;

	private final ChangeListener listener;

	private final Map<String, DatabaseCertificate> serving = new LinkedHashMap<>();

	private final Map<String, Long> applied = new HashMap<>();

	private final Map<String, CertificateInfo> rejected = new LinkedHashMap<>();

	private long revision = -1;

	private JdbcSourceState.Status status = JdbcSourceState.Status.CONNECTING;

	private @Nullable Instant lastSync;

	private @Nullable Instant downSince;

	private @Nullable String lastError;

	private @Nullable Instant lastErrorAt;

	private @Nullable Publisher publisher;

	private boolean schemaMissing;

	private JdbcCertificateSource(Builder builder) {
		this.jdbc = new JdbcTemplate(builder.dataSource);
		this.encryption = builder.encryption;
		this.queryTimeout = builder.queryTimeout;
		this.clock = builder.clock;
		this.listener = new ChangeListener(builder.dataSource, new ChangeListener.Settings(builder.pollInterval,
				builder.queryTimeout, builder.reconnectMaxDelay), new ListenerEvents());
	}

	/**
	 * Start configuring a source.
	 * @param dataSource the database, PostgreSQL with the store's schema
	 * @param encryption the master keys that decrypt private keys
	 * @return a builder
	 */
	public static Builder builder(DataSource dataSource, KeyEncryption encryption) {
		return new Builder(dataSource, encryption);
	}

	@Override
	public String name() {
		return NAME;
	}

	/**
	 * Start listening and publish what the database holds. Waits for the first
	 * synchronization, or its failure (at most 30 seconds): a database that is unreachable
	 * at start leaves the source {@link JdbcSourceState.Status#DOWN DOWN} and
	 * reconnecting, without failing the application.
	 * @throws IllegalStateException when the database is reachable but has no
	 * {@code sni_certificate} schema
	 */
	@Override
	public void open(Publisher publisher) {
		synchronized (this) {
			if (this.publisher != null) {
				throw new IllegalStateException("The database source is already open");
			}
			this.publisher = publisher;
		}
		this.listener.start();
		try {
			this.listener.awaitFirstAttempt();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		String missing = null;
		synchronized (this) {
			if (this.schemaMissing) {
				missing = this.lastError;
			}
		}
		if (missing != null) {
			close();
			throw new IllegalStateException("The certificate database has no sni_certificate schema (" + missing
					+ "): set sni.jdbc.create-schema=true or apply classpath:" + JdbcSchema.LOCATION);
		}
	}

	@Override
	public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts)
			throws Exception {
		DatabaseCertificate stored = (DatabaseCertificate) certificate;
		failFastWhileDown(stored);
		CertificateTable.MaterialRow row = this.jdbc.execute((ConnectionCallback<CertificateTable.MaterialRow>) (
				connection) -> {
			connection.setNetworkTimeout(Runnable::run, (int) this.queryTimeout.toMillis());
			return CertificateTable.material(connection, stored.id());
		});
		String origin = origin(stored.id());
		if (row == null) {
			throw new IllegalStateException("Row '" + stored.id() + "' was removed from the database; this replica "
					+ "applies the removal with the next synchronization");
		}
		List<X509Certificate> chain = chain(origin, row.chainPem());
		X509Certificate leaf = chain.get(0);
		byte[] leafSha256 = LeafSummary.sha256(leaf);
		if (row.version() != stored.version()) {
			// Rotated since this replica indexed it (it applies the change within moments): the newer material
			// serves if it covers the same names, so a rotation never fails a handshake in between.
			CertificateValidation.checkChain(origin, chain);
			for (String name : stored.names()) {
				if (!CertificateValidation.covers(leaf, ServerNamePattern.parse(name))) {
					throw new IllegalStateException("Row '" + stored.id() + "' changed from version "
							+ stored.version() + " to " + row.version() + " and no longer covers '" + name
							+ "'; this replica applies the change with its next synchronization");
				}
			}
		}
		else if (!MessageDigest.isEqual(leafSha256, stored.leafSha256())) {
			throw new InvalidCertificateException(origin, "its certificate differs from the one indexed for version "
					+ stored.version());
		}
		byte[] pkcs8 = this.encryption.decrypt(stored.id(), leafSha256, row.key());
		PrivateKey key;
		try {
			key = KeyFactory.getInstance(leaf.getPublicKey().getAlgorithm())
				.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidCertificateException(origin, "its decrypted private key cannot be read ("
					+ ex.getClass().getSimpleName() + ")");
		}
		finally {
			Arrays.fill(pkcs8, (byte) 0);
		}
		if (!CertificateValidation.keyMatches(key, leaf)) {
			throw new InvalidCertificateException(origin, "the private key does not match the certificate");
		}
		return contexts.create(chain, key);
	}

	@Override
	public synchronized List<CertificateInfo> list() {
		Instant now = this.clock.instant();
		List<CertificateInfo> list = new ArrayList<>(this.serving.size() + this.rejected.size());
		this.serving.values().forEach((certificate) -> list.add(certificate.info(now)));
		list.addAll(this.rejected.values());
		return list;
	}

	/**
	 * Where the source stands with its database.
	 * @return the current state
	 */
	public synchronized JdbcSourceState state() {
		return new JdbcSourceState(this.status, this.revision, this.serving.size(), this.rejected.size(),
				this.lastSync, this.downSince, this.lastError, this.lastErrorAt);
	}

	/** Stops listening and releases the listener's connection. */
	@Override
	public void close() {
		this.listener.stop();
		synchronized (this) {
			this.status = JdbcSourceState.Status.STOPPED;
		}
	}

	private void failFastWhileDown(DatabaseCertificate certificate) throws SQLTransientConnectionException {
		Instant since;
		String error;
		synchronized (this) {
			if (this.status != JdbcSourceState.Status.DOWN) {
				return;
			}
			since = this.downSince;
			error = this.lastError;
		}
		throw new SQLTransientConnectionException("The certificate database is unreachable (since " + since + ": "
				+ error + "); certificate " + certificate + " is loaded once it is back");
	}

	/**
	 * Bring the index up to date. Runs on the listener's thread and connection only.
	 * @param connection the listener's connection
	 * @throws SQLException when the database cannot be read
	 */
	void synchronize(Connection connection) throws SQLException {
		Snapshot snapshot = readChanges(connection);
		if (snapshot != null) {
			apply(snapshot);
		}
		synchronized (this) {
			this.lastSync = this.clock.instant();
		}
	}

	/**
	 * Reads, in one transaction (repeatable read, as the listener sets up its connection),
	 * what differs from what was applied.
	 */
	private @Nullable Snapshot readChanges(Connection connection) throws SQLException {
		connection.setAutoCommit(false);
		try {
			long current = CertificateTable.revision(connection);
			Map<String, Long> known;
			synchronized (this) {
				if (current == this.revision) {
					connection.commit();
					return null;
				}
				known = new HashMap<>(this.applied);
			}
			Map<String, Long> versions = CertificateTable.versions(connection);
			List<String> changed = new ArrayList<>();
			versions.forEach((id, version) -> {
				if (!version.equals(known.get(id))) {
					changed.add(id);
				}
			});
			List<String> removed = new ArrayList<>();
			known.keySet().forEach((id) -> {
				if (!versions.containsKey(id)) {
					removed.add(id);
				}
			});
			List<CertificateTable.IndexRow> rows = CertificateTable.indexRows(connection, changed);
			connection.commit();
			return new Snapshot(current, rows, removed);
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.rollback();
			}
			catch (SQLException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	private void apply(Snapshot snapshot) {
		Instant now = this.clock.instant();
		boolean initial;
		List<StoredCertificate> added = new ArrayList<>();
		List<StoredCertificate> removed = new ArrayList<>();
		synchronized (this) {
			initial = this.revision < 0;
			for (CertificateTable.IndexRow row : snapshot.rows()) {
				this.applied.put(row.id(), row.version());
				DatabaseCertificate certificate;
				try {
					certificate = index(row);
				}
				catch (InvalidCertificateException ex) {
					this.rejected.put(row.id(), CertificateInfo.rejected(NAME, row.id(), ex.getReason()));
					logger.error("{}{}", ex.getMessage(), this.serving.containsKey(row.id())
							? "; its previous version keeps serving where its context is loaded" : "");
					continue;
				}
				this.rejected.remove(row.id());
				DatabaseCertificate previous = this.serving.put(row.id(), certificate);
				added.add(certificate);
				if (previous != null) {
					removed.add(previous);
				}
				if (!initial) {
					logger.info("{} database certificate {}", (previous != null) ? "Replaced" : "Added", certificate);
				}
				warnIfNotValid(certificate, now);
			}
			for (String id : snapshot.removed()) {
				this.applied.remove(id);
				this.rejected.remove(id);
				DatabaseCertificate previous = this.serving.remove(id);
				if (previous != null) {
					removed.add(previous);
					logger.info("Removed database certificate {}", previous);
				}
			}
			this.revision = snapshot.revision();
			Publisher publisher = this.publisher;
			if (publisher != null && (!added.isEmpty() || !removed.isEmpty())) {
				publisher.publish(added, removed);
			}
			if (initial) {
				logger.info("Loaded {} certificates from the database (revision {}){}", this.serving.size(),
						this.revision, this.rejected.isEmpty() ? "" : "; rejected " + this.rejected.size());
			}
		}
	}

	/** Checks a row's chain and names; the key is checked when it is loaded. */
	private DatabaseCertificate index(CertificateTable.IndexRow row) {
		String origin = origin(row.id());
		List<X509Certificate> chain = chain(origin, row.chainPem());
		List<String> certificateNames = CertificateValidation.checkChain(origin, chain);
		X509Certificate leaf = chain.get(0);
		List<String> names = new ArrayList<>(row.names().size());
		for (String name : row.names()) {
			ServerNamePattern pattern;
			try {
				pattern = ServerNamePattern.parse(name);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidCertificateException(origin, "its names list '" + name + "', which is not a server "
						+ "name (" + ex.getMessage() + ")");
			}
			if (!CertificateValidation.covers(leaf, pattern)) {
				throw new InvalidCertificateException(origin, "its names list '" + pattern
						+ "', which the certificate does not cover (it covers " + certificateNames + ")");
			}
			if (!names.contains(pattern.toString())) {
				names.add(pattern.toString());
			}
		}
		if (names.isEmpty()) {
			names.addAll(certificateNames);
		}
		try {
			return new DatabaseCertificate(this, row.id(), row.version(), names, LeafSummary.of(leaf));
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidCertificateException(origin, "its certificate cannot be encoded (" + ex.getMessage() + ")");
		}
	}

	private static void warnIfNotValid(DatabaseCertificate certificate, Instant now) {
		if (now.isAfter(certificate.notAfter())) {
			logger.warn("Database certificate {} expired on {}; it is served only to names no valid certificate "
					+ "covers", certificate, certificate.notAfter());
		}
		else if (now.isBefore(certificate.notBefore())) {
			logger.warn("Database certificate {} is not valid before {}; it is served only to names no valid "
					+ "certificate covers", certificate, certificate.notBefore());
		}
	}

	static List<X509Certificate> chain(String origin, String chainPem) {
		List<X509Certificate> chain;
		try {
			chain = PemContent.of(chainPem).getCertificates();
		}
		catch (RuntimeException ex) {
			throw new InvalidCertificateException(origin, "its chain_pem cannot be read (" + ex.getMessage() + ")");
		}
		if (chain.isEmpty()) {
			throw new InvalidCertificateException(origin, "its chain_pem holds no certificate");
		}
		return chain;
	}

	/** Undefined table or function: the schema was never applied. */
	private static boolean isSchemaMissing(Exception ex) {
		return ex instanceof SQLException sql && ("42P01".equals(sql.getSQLState())
				|| "42883".equals(sql.getSQLState()));
	}

	/** The first line of an error: what the driver says, never the statement's parameters. */
	private static String describe(Exception ex) {
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message.lines().findFirst().orElse("") : "");
	}

	static String origin(String id) {
		return "database row '" + id + "'";
	}

	private record Snapshot(long revision, List<CertificateTable.IndexRow> rows, List<String> removed) {
	}

	/** What the listener reports. */
	private final class ListenerEvents implements ChangeListener.Events {

		@Override
		public void synchronize(Connection connection) throws SQLException {
			JdbcCertificateSource.this.synchronize(connection);
		}

		@Override
		public void connected() {
			synchronized (JdbcCertificateSource.this) {
				if (JdbcCertificateSource.this.status == JdbcSourceState.Status.DOWN) {
					logger.info("Certificate database reachable again after {}; caught up to revision {}",
							Duration.between(JdbcCertificateSource.this.downSince, JdbcCertificateSource.this.clock.instant()),
							JdbcCertificateSource.this.revision);
				}
				JdbcCertificateSource.this.status = JdbcSourceState.Status.UP;
				JdbcCertificateSource.this.downSince = null;
			}
		}

		@Override
		public void failed(Exception ex) {
			Instant now = JdbcCertificateSource.this.clock.instant();
			String description = describe(ex);
			synchronized (JdbcCertificateSource.this) {
				if (JdbcCertificateSource.this.status == JdbcSourceState.Status.CONNECTING) {
					JdbcCertificateSource.this.schemaMissing = isSchemaMissing(ex);
				}
				if (JdbcCertificateSource.this.status != JdbcSourceState.Status.DOWN) {
					JdbcCertificateSource.this.downSince = now;
					logger.warn("Certificate database unavailable ({}); cached certificates keep serving, others fail "
							+ "until it is back; reconnecting", description);
				}
				JdbcCertificateSource.this.status = JdbcSourceState.Status.DOWN;
				JdbcCertificateSource.this.lastError = description;
				JdbcCertificateSource.this.lastErrorAt = now;
			}
		}

	}

	/**
	 * Settings of a {@link JdbcCertificateSource}.
	 */
	public static final class Builder {

		private final DataSource dataSource;

		private final KeyEncryption encryption;

		private Duration pollInterval = Duration.ofSeconds(5);

		private Duration queryTimeout = Duration.ofSeconds(3);

		private Duration reconnectMaxDelay = Duration.ofSeconds(5);

		private Clock clock = Clock.systemUTC();

		private Builder(DataSource dataSource, KeyEncryption encryption) {
			this.dataSource = dataSource;
			this.encryption = encryption;
		}

		/**
		 * How often to read the store revision, in case a notification was missed.
		 * @param pollInterval the interval
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			this.pollInterval = positive("poll interval", pollInterval);
			return this;
		}

		/**
		 * How long a database read may take before the connection counts as broken.
		 * @param queryTimeout the timeout
		 * @return this builder
		 */
		public Builder queryTimeout(Duration queryTimeout) {
			this.queryTimeout = positive("query timeout", queryTimeout);
			return this;
		}

		/**
		 * The longest wait between two reconnection attempts; waits start at 250 ms and
		 * double.
		 * @param reconnectMaxDelay the longest wait
		 * @return this builder
		 */
		public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
			this.reconnectMaxDelay = positive("reconnect max delay", reconnectMaxDelay);
			return this;
		}

		Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the source; {@link CertificateSource#open} starts it.
		 * @return the source
		 */
		public JdbcCertificateSource build() {
			return new JdbcCertificateSource(this);
		}

		private static Duration positive(String what, Duration duration) {
			if (duration.isNegative() || duration.isZero() || duration.toMillis() > TimeUnit.DAYS.toMillis(1)) {
				throw new IllegalArgumentException("The " + what + " must be positive and at most a day, not "
						+ duration);
			}
			return duration;
		}

	}

}
