package io.github.snistarter.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The thread that keeps a {@link JdbcCertificateSource} up to date: it holds one
 * connection that listens on the store's channel, synchronizes when a notification
 * arrives and every poll interval in any case, and reconnects with exponential back-off
 * when the connection breaks. After each (re)connection it listens first and synchronizes
 * second, so that a change committed in between is never missed.
 */
final class ChangeListener {

	private static final long INITIAL_DELAY_MILLIS = 250;

	/** Longest single wait for notifications, so that stopping never waits long. */
	private static final int WAIT_SLICE_MILLIS = 500;

	private static final long FIRST_ATTEMPT_WAIT_SECONDS = 30;

	private final DataSource dataSource;

	private final Settings settings;

	private final Events events;

	private final CountDownLatch firstAttempt = new CountDownLatch(1);

	private volatile boolean running;

	private @Nullable Thread thread;

	ChangeListener(DataSource dataSource, Settings settings, Events events) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.events = events;
	}

	/**
	 * How the listener behaves.
	 *
	 * @param pollInterval how often to synchronize without a notification
	 * @param queryTimeout how long a read may take before the connection counts as broken
	 * @param reconnectMaxDelay the longest wait between two connection attempts
	 */
	record Settings(Duration pollInterval, Duration queryTimeout, Duration reconnectMaxDelay) {
	}

	/**
	 * What the listener reports to its source.
	 */
	interface Events {

		/**
		 * Apply what changed; called on the listener's thread with its connection.
		 * @param connection the listening connection
		 * @throws SQLException when the database cannot be read
		 */
		void synchronize(Connection connection) throws SQLException;

		/** Listening and synchronized after a (re)connection. */
		void connected();

		/**
		 * The connection failed or could not be made; the listener retries.
		 * @param ex what happened
		 */
		void failed(Exception ex);

	}

	synchronized void start() {
		if (this.thread != null) {
			return;
		}
		this.running = true;
		Thread thread = new Thread(this::run, "sni-jdbc-listener");
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
	}

	/**
	 * Wait until the first connection attempt has synchronized or failed, at most 30
	 * seconds.
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	void awaitFirstAttempt() throws InterruptedException {
		this.firstAttempt.await(FIRST_ATTEMPT_WAIT_SECONDS, TimeUnit.SECONDS);
	}

	void stop() {
		Thread thread;
		synchronized (this) {
			this.running = false;
			thread = this.thread;
			this.thread = null;
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(WAIT_SLICE_MILLIS + this.settings.queryTimeout().toMillis() + 1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run() {
		long delay = INITIAL_DELAY_MILLIS;
		while (this.running) {
			Connection connection = null;
			try {
				connection = this.dataSource.getConnection();
				listen(connection);
				this.events.synchronize(connection);
				this.events.connected();
				this.firstAttempt.countDown();
				delay = INITIAL_DELAY_MILLIS;
				receive(connection);
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.running) {
					break;
				}
				this.events.failed(ex);
				this.firstAttempt.countDown();
				release(connection, true);
				connection = null;
				if (!pause(jittered(delay))) {
					break;
				}
				delay = Math.min(delay * 2, Math.max(INITIAL_DELAY_MILLIS, this.settings.reconnectMaxDelay().toMillis()));
			}
			finally {
				if (connection != null) {
					release(connection, false);
				}
			}
		}
	}

	private void listen(Connection connection) throws SQLException {
		// Reads fail after the query timeout instead of hanging on a silent network.
		connection.setNetworkTimeout(Runnable::run, (int) this.settings.queryTimeout().toMillis());
		// Each synchronization reads the revision and the rows in one snapshot.
		connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		connection.setAutoCommit(true);
		try (Statement statement = connection.createStatement()) {
			statement.execute("LISTEN " + CertificateTable.CHANNEL);
		}
	}

	/** Waits for notifications and synchronizes, until the connection fails or the listener stops. */
	private void receive(Connection connection) throws SQLException {
		PGConnection postgres = connection.unwrap(PGConnection.class);
		long pollNanos = this.settings.pollInterval().toNanos();
		long nextPoll = System.nanoTime() + pollNanos;
		while (this.running) {
			long remainingMillis = TimeUnit.NANOSECONDS.toMillis(nextPoll - System.nanoTime());
			int wait = (int) Math.max(1, Math.min(remainingMillis, WAIT_SLICE_MILLIS));
			PGNotification[] notifications = postgres.getNotifications(wait);
			boolean notified = notifications != null && notifications.length > 0;
			if (notified || System.nanoTime() - nextPoll >= 0) {
				this.events.synchronize(connection);
				nextPoll = System.nanoTime() + pollNanos;
			}
		}
	}

	/**
	 * Give the connection back. A connection that failed is first used once more through
	 * the pool's own wrapper, so that a pool that watches errors (HikariCP does) evicts it
	 * instead of handing a dead connection to the next borrower.
	 */
	private void release(@Nullable Connection connection, boolean failed) {
		if (connection == null) {
			return;
		}
		try {
			try (Statement statement = connection.createStatement()) {
				statement.execute(failed ? "SELECT 1" : "UNLISTEN *");
				if (failed) {
					statement.execute("UNLISTEN *");
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			// Broken: the pool now knows.
		}
		try {
			connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			// Nothing more to release.
		}
	}

	private boolean pause(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static long jittered(long millis) {
		return millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
	}

}
