package io.github.snistarter.store.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The SQL of the certificate table, {@code sni_certificate}, and of its revision counter
 * (see {@code schema-postgresql.sql}). Every method works on a connection it is given
 * and leaves transactions to the caller.
 */
final class CertificateTable {

	/** The channel the table's trigger notifies when a change commits. */
	static final String CHANNEL = "sni_certificate_changes";

	private CertificateTable() {
	}

	/**
	 * A row as the index needs it: no key.
	 *
	 * @param id the row id
	 * @param version the row's version
	 * @param names the names it serves, as written
	 * @param chainPem the certificate chain
	 */
	record IndexRow(String id, long version, List<String> names, String chainPem) {
	}

	/**
	 * A row's material.
	 *
	 * @param version the row's version
	 * @param chainPem the certificate chain
	 * @param key the encrypted private key
	 */
	record MaterialRow(long version, String chainPem, KeyEncryption.Sealed key) {
	}

	/**
	 * A row about to be written.
	 *
	 * @param id the row id
	 * @param names the names it serves
	 * @param notBefore the leaf's notBefore
	 * @param notAfter the leaf's notAfter
	 * @param keyAlgorithm the kind of key
	 * @param chainPem the chain as PEM
	 * @param key the encrypted private key
	 */
	record NewRow(String id, List<String> names, Instant notBefore, Instant notAfter, String keyAlgorithm,
			String chainPem, KeyEncryption.Sealed key) {
	}

	static long revision(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT revision FROM sni_certificate_revision")) {
			if (!result.next()) {
				throw new SQLException("Table sni_certificate_revision has no row: apply schema-postgresql.sql "
						+ "(or set sni.jdbc.create-schema=true)");
			}
			return result.getLong(1);
		}
	}

	static Map<String, Long> versions(Connection connection) throws SQLException {
		Map<String, Long> versions = new HashMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id, version FROM sni_certificate")) {
			while (result.next()) {
				versions.put(result.getString(1), result.getLong(2));
			}
		}
		return versions;
	}

	static List<IndexRow> indexRows(Connection connection, Collection<String> ids) throws SQLException {
		List<IndexRow> rows = new ArrayList<>(ids.size());
		if (ids.isEmpty()) {
			return rows;
		}
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT id, version, names, chain_pem FROM sni_certificate WHERE id = ANY (?)")) {
			statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					rows.add(new IndexRow(result.getString(1), result.getLong(2), strings(result.getArray(3)),
							result.getString(4)));
				}
			}
		}
		return rows;
	}

	static @Nullable MaterialRow material(Connection connection, String id) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT version, chain_pem, key_ciphertext, key_id FROM sni_certificate WHERE id = ?")) {
			statement.setString(1, id);
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					return null;
				}
				return new MaterialRow(result.getLong(1), result.getString(2),
						new KeyEncryption.Sealed(result.getString(4), result.getBytes(3)));
			}
		}
	}

	/**
	 * Insert a row.
	 * @return its version, or {@code null} when a row with this id exists
	 */
	static @Nullable Long insert(Connection connection, NewRow row) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"INSERT INTO sni_certificate (id, names, not_before, not_after, key_algorithm, chain_pem, "
						+ "key_ciphertext, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING "
						+ "RETURNING version")) {
			statement.setString(1, row.id());
			bindRow(connection, statement, row, 2);
			return singleVersion(statement);
		}
	}

	/**
	 * Replace a row's certificate and key.
	 * @return its new version, or {@code null} when no row has this id
	 */
	static @Nullable Long update(Connection connection, NewRow row) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"UPDATE sni_certificate SET names = ?, not_before = ?, not_after = ?, key_algorithm = ?, "
						+ "chain_pem = ?, key_ciphertext = ?, key_id = ? WHERE id = ? RETURNING version")) {
			bindRow(connection, statement, row, 1);
			statement.setString(8, row.id());
			return singleVersion(statement);
		}
	}

	/**
	 * Insert a row, or replace the certificate and key of the row with the same id.
	 * @return its version
	 */
	static long upsert(Connection connection, NewRow row) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"INSERT INTO sni_certificate (id, names, not_before, not_after, key_algorithm, chain_pem, "
						+ "key_ciphertext, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
						+ "names = EXCLUDED.names, not_before = EXCLUDED.not_before, not_after = EXCLUDED.not_after, "
						+ "key_algorithm = EXCLUDED.key_algorithm, chain_pem = EXCLUDED.chain_pem, "
						+ "key_ciphertext = EXCLUDED.key_ciphertext, key_id = EXCLUDED.key_id RETURNING version")) {
			statement.setString(1, row.id());
			bindRow(connection, statement, row, 2);
			Long version = singleVersion(statement);
			if (version == null) {
				throw new SQLException("INSERT ... ON CONFLICT DO UPDATE returned no row for '" + row.id() + "'");
			}
			return version;
		}
	}

	static boolean delete(Connection connection, String id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("DELETE FROM sni_certificate WHERE id = ?")) {
			statement.setString(1, id);
			return statement.executeUpdate() > 0;
		}
	}

	/**
	 * A row whose key is encrypted with another master key than the active one.
	 *
	 * @param id the row id
	 * @param version its version
	 * @param chainPem its chain
	 * @param key its encrypted key
	 */
	record SealedRow(String id, long version, String chainPem, KeyEncryption.Sealed key) {
	}

	static List<SealedRow> sealedWithOtherKeys(Connection connection, String activeKeyId) throws SQLException {
		List<SealedRow> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT id, version, chain_pem, key_ciphertext, key_id FROM sni_certificate WHERE key_id <> ?")) {
			statement.setString(1, activeKeyId);
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					rows.add(new SealedRow(result.getString(1), result.getLong(2), result.getString(3),
							new KeyEncryption.Sealed(result.getString(5), result.getBytes(4))));
				}
			}
		}
		return rows;
	}

	/**
	 * Replace a row's encrypted key if the row has not changed since it was read.
	 * @return whether the row was updated
	 */
	static boolean updateKey(Connection connection, String id, long version, KeyEncryption.Sealed key)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"UPDATE sni_certificate SET key_ciphertext = ?, key_id = ? WHERE id = ? AND version = ?")) {
			statement.setBytes(1, key.ciphertext());
			statement.setString(2, key.keyId());
			statement.setString(3, id);
			statement.setLong(4, version);
			return statement.executeUpdate() > 0;
		}
	}

	private static void bindRow(Connection connection, PreparedStatement statement, NewRow row, int first)
			throws SQLException {
		statement.setArray(first, connection.createArrayOf("text", row.names().toArray()));
		statement.setTimestamp(first + 1, Timestamp.from(row.notBefore()));
		statement.setTimestamp(first + 2, Timestamp.from(row.notAfter()));
		statement.setString(first + 3, row.keyAlgorithm());
		statement.setString(first + 4, row.chainPem());
		statement.setBytes(first + 5, row.key().ciphertext());
		statement.setString(first + 6, row.key().keyId());
	}

	private static @Nullable Long singleVersion(PreparedStatement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery()) {
			return result.next() ? result.getLong(1) : null;
		}
	}

	private static List<String> strings(@Nullable Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		Object[] values = (Object[]) array.getArray();
		List<String> strings = new ArrayList<>(values.length);
		for (Object value : values) {
			if (value != null) {
				strings.add(value.toString());
			}
		}
		return strings;
	}

}
