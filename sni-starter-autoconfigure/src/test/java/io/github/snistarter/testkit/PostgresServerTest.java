package io.github.snistarter.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The test PostgreSQL server starts on this machine whoever runs the tests (root
 * included), and stops and starts again on the same data.
 */
class PostgresServerTest {

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@Test
	void keepsItsDataAcrossStopAndStartOnTheSamePort() throws SQLException {
		String url = postgres.createDatabase();
		try (Connection connection = DriverManager.getConnection(url);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE kept (value text)");
			statement.execute("INSERT INTO kept VALUES ('before the outage')");
		}
		postgres.stop();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> DriverManager.getConnection(url).close());
		postgres.start();
		try (Connection connection = DriverManager.getConnection(url);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT value FROM kept")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getString(1)).isEqualTo("before the outage");
		}
	}

	@Test
	void listensOnLoopbackOnly() throws SQLException {
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"));
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW listen_addresses")) {
			result.next();
			assertThat(result.getString(1)).isEqualTo("127.0.0.1");
		}
	}

}
