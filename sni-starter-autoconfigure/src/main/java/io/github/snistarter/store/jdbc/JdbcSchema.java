package io.github.snistarter.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The store's schema, shipped as {@value #LOCATION}: the certificate table, its revision
 * counter, and the triggers that version rows and notify replicas. {@link #create}
 * applies it; it is idempotent, and replicas that start together apply it one after
 * the other.
 */
public final class JdbcSchema {

	/** Class-path location of the schema, for migration tools. */
	public static final String LOCATION = "io/github/snistarter/store/jdbc/schema-postgresql.sql";

	/** Serializes schema changes of replicas that start at the same time. */
	private static final long LOCK = 0x534e495f53434845L;

	private JdbcSchema() {
	}

	/**
	 * Create what is missing of the schema, in one transaction.
	 * @param dataSource the PostgreSQL database
	 */
	public static void create(DataSource dataSource) {
		String script = script();
		new JdbcTemplate(dataSource).execute((ConnectionCallback<Void>) (connection) -> {
			apply(connection, script);
			return null;
		});
	}

	private static void apply(Connection connection, String script) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
			// PostgreSQL's driver splits the script itself and understands $$-quoted bodies.
			statement.execute(script);
			connection.commit();
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	/**
	 * The schema script.
	 * @return its text
	 */
	public static String script() {
		try (InputStream in = JdbcSchema.class.getClassLoader().getResourceAsStream(LOCATION)) {
			if (in == null) {
				throw new IllegalStateException("Schema " + LOCATION + " is missing from the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new DataAccessResourceFailureException("Cannot read " + LOCATION, ex);
		}
	}

}
