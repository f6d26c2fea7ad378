package io.github.snistarter.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for tests, on 127.0.0.1 and a free port, in a data directory
 * of its own that is created once ({@code initdb}) and deleted when the server is
 * closed. Durability is off ({@code fsync}, {@code synchronous_commit},
 * {@code full_page_writes}): a test server starts in about a second.
 * <p>
 * PostgreSQL refuses to run as root. When the tests run as root (as CI does) every server
 * program runs as {@code nobody} (uid 65534), which owns the data directory. The
 * programs come from {@link PostgresBinaries}.
 * <p>
 * {@link #stop()} and {@link #start()} stop and start the same server on the same data
 * directory and port, so applications keep their JDBC URL across a simulated outage.
 * Use it as a JUnit extension (started before the first test of the class, closed after
 * the last) or on its own:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final PostgresServer postgres = new PostgresServer();
 * </pre>
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final int NOBODY = 65534;

	private static final AtomicInteger databases = new AtomicInteger();

	private Path directory;

	private Path bin;

	private int port;

	private boolean running;

	private Thread shutdownHook;

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	/**
	 * Start the server: the first call creates the data directory, later calls start the
	 * same server again after {@link #stop()}.
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			if (this.directory == null) {
				initialize();
			}
			pgCtl("start", "-l", log().toString(), "-w", "-t", "60");
			this.running = true;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start PostgreSQL: " + ex.getMessage() + logTail(), ex);
		}
	}

	/**
	 * Stop the server as an outage would: open connections are closed by the server
	 * (PostgreSQL's fast shutdown), the data directory is kept.
	 */
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		try {
			pgCtl("stop", "-m", "fast", "-w", "-t", "60");
			this.running = false;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot stop PostgreSQL: " + ex.getMessage() + logTail(), ex);
		}
	}

	/** Stop and start again on the same data directory and port. */
	public void restart() {
		stop();
		start();
	}

	public synchronized boolean isRunning() {
		return this.running;
	}

	public int port() {
		return this.port;
	}

	/**
	 * The JDBC URL of a database on this server, for user {@code postgres} without a
	 * password.
	 * @param database the database
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database + "?user=postgres";
	}

	/**
	 * Create a new, empty database.
	 * @return its JDBC URL
	 */
	public String createDatabase() {
		String name = "test_" + databases.incrementAndGet();
		try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"));
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create database " + name, ex);
		}
		return jdbcUrl(name);
	}

	/** Stop the server and delete its data directory. */
	@Override
	public synchronized void close() {
		try {
			if (this.running) {
				pgCtl("stop", "-m", "immediate", "-w", "-t", "60");
				this.running = false;
			}
		}
		catch (IOException ex) {
			// Deleting the data directory below makes a server that is still running stop by itself.
		}
		if (this.shutdownHook != null) {
			try {
				Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
			}
			catch (IllegalStateException ex) {
				// Already shutting down.
			}
			this.shutdownHook = null;
		}
		if (this.directory != null) {
			try {
				PostgresBinaries.deleteRecursively(this.directory);
			}
			catch (IOException ex) {
				// A temporary directory; left for the system to clean.
			}
			this.directory = null;
		}
	}

	private void initialize() throws IOException {
		this.bin = PostgresBinaries.locate();
		Path base = Files.createTempDirectory("sni-postgres-");
		this.directory = base;
		this.shutdownHook = new Thread(this::close, "postgres-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		Path sockets = Files.createDirectory(base.resolve("sockets"));
		if (isRoot()) {
			for (Path path : List.of(base, sockets)) {
				Files.setAttribute(path, "unix:uid", NOBODY);
				Files.setAttribute(path, "unix:gid", NOBODY);
			}
		}
		run(List.of(this.bin.resolve("initdb").toString(), "-D", data().toString(), "-U", "postgres", "-A", "trust",
				"-E", "UTF8", "--locale=C", "--no-sync"));
		this.port = freePort();
		String settings = String.join("\n", "", "# Test server: loopback only, no durability.",
				"listen_addresses = '127.0.0.1'", "port = " + this.port, "unix_socket_directories = '" + sockets + "'",
				"fsync = off", "synchronous_commit = off", "full_page_writes = off", "max_connections = 200",
				"shared_buffers = 32MB", "log_min_messages = warning", "");
		Files.writeString(data().resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
				StandardOpenOption.APPEND);
	}

	private void pgCtl(String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(this.bin.resolve("pg_ctl").toString(), "-D", data().toString()));
		command.addAll(List.of(arguments));
		run(command);
	}

	/** Runs a server program, as nobody when this JVM runs as root, and fails with its output. */
	private void run(List<String> program) throws IOException {
		List<String> command = new ArrayList<>();
		if (isRoot()) {
			command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
		}
		command.addAll(program);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		environment.keySet().removeIf((name) -> name.startsWith("PG"));
		environment.put("LC_ALL", "C");
		environment.put("LANG", "C");
		environment.put("HOME", this.directory.toString());
		builder.directory(this.directory.toFile());
		Path output = this.directory.resolve("command.out");
		builder.redirectOutput(output.toFile());
		Process process = builder.start();
		try {
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(String.join(" ", program) + " did not finish within 120 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IOException("Interrupted while running " + program.get(0));
		}
		if (process.exitValue() != 0) {
			throw new IOException(String.join(" ", program) + " exited with " + process.exitValue() + ":\n"
					+ Files.readString(output, StandardCharsets.UTF_8));
		}
	}

	private Path data() {
		return this.directory.resolve("data");
	}

	private Path log() {
		return this.directory.resolve("postgres.log");
	}

	private String logTail() {
		try {
			if (this.directory == null || !Files.exists(log())) {
				return "";
			}
			List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
			return "\nServer log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static boolean isRoot() {
		try {
			// The owner of /proc/self is the uid this JVM runs as.
			return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
