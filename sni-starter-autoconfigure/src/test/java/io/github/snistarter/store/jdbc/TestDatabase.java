package io.github.snistarter.store.jdbc;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.snistarter.testkit.PostgresServer;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A fresh database with the store's schema on the test server, reached through HikariCP
 * as applications reach it.
 */
final class TestDatabase implements AutoCloseable {

	private final String url;

	private final List<HikariDataSource> dataSources = new ArrayList<>();

	private TestDatabase(String url) {
		this.url = url;
	}

	/** An empty database, without the schema. */
	static TestDatabase on(String url) {
		return new TestDatabase(url);
	}

	static TestDatabase create(PostgresServer postgres) {
		TestDatabase database = new TestDatabase(postgres.createDatabase());
		JdbcSchema.create(database.dataSource());
		return database;
	}

	String url() {
		return this.url;
	}

	/** A new pool, closed with the database. */
	DataSource dataSource() {
		return dataSource(this.url);
	}

	/** A new pool on another URL of the same database (through a relay, say). */
	DataSource dataSource(String url) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setMaximumPoolSize(4);
		dataSource.setConnectionTimeout(2000);
		this.dataSources.add(dataSource);
		return dataSource;
	}

	JdbcTemplate jdbc() {
		return new JdbcTemplate(dataSource());
	}

	@Override
	public void close() {
		this.dataSources.forEach(HikariDataSource::close);
	}

}
