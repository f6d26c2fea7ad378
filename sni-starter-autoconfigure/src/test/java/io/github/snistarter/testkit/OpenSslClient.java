package io.github.snistarter.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code openssl s_client} against {@value TlsClient#LOOPBACK} as a second, non-Java
 * TLS client. Standard input is closed (after {@link #stdinOpenFor}) so the client exits
 * by itself; it is killed after {@link #timeout} at the latest. Immutable: the setters
 * return modified copies.
 * <pre>{@code
 * OpenSslResult result = OpenSslClient.assumeInstalled().connect(port, "shop.test", TlsVersion.TLS13, "h2");
 * assertThat(result.alertNumber()).hasValue(112);
 * }</pre>
 */
public final class OpenSslClient {

	private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/openssl"),
			Path.of("/usr/local/bin/openssl"), Path.of("/opt/homebrew/bin/openssl"));

	private final Path executable;

	private final Duration timeout;

	private final Duration stdinOpenFor;

	private final List<String> extraArgs;

	private OpenSslClient(Path executable, Duration timeout, Duration stdinOpenFor, List<String> extraArgs) {
		this.executable = executable;
		this.timeout = timeout;
		this.stdinOpenFor = stdinOpenFor;
		this.extraArgs = extraArgs;
	}

	/** Whether an {@code openssl} executable was found. */
	public static boolean isInstalled() {
		return findExecutable() != null;
	}

	/**
	 * A client with a 10 s timeout, or a skipped test (JUnit assumption) when openssl is
	 * not installed.
	 */
	public static OpenSslClient assumeInstalled() {
		Path executable = findExecutable();
		Assumptions.assumeTrue(executable != null, "openssl not installed");
		return new OpenSslClient(Objects.requireNonNull(executable), Duration.ofSeconds(10), Duration.ZERO, List.of());
	}

	/** Kill {@code s_client} if it has not exited after this long (default 10 s). */
	public OpenSslClient timeout(Duration timeout) {
		return new OpenSslClient(this.executable, timeout, this.stdinOpenFor, this.extraArgs);
	}

	/**
	 * Keep standard input open this long before closing it (default: close at once). Use
	 * a few hundred milliseconds when {@code s_client} must receive TLS 1.3 session tickets,
	 * e.g. with {@code -sess_out}.
	 */
	public OpenSslClient stdinOpenFor(Duration duration) {
		return new OpenSslClient(this.executable, this.timeout, duration, this.extraArgs);
	}

	/** Additional {@code s_client} arguments, e.g. {@code "-sess_out", file.toString()} or {@code "-CAfile", ...}. */
	public OpenSslClient extraArgs(String... args) {
		return new OpenSslClient(this.executable, this.timeout, this.stdinOpenFor, List.of(args));
	}

	/**
	 * Runs {@code openssl s_client -connect 127.0.0.1:port -showcerts} with
	 * {@code -servername name} (or {@code -noservername} when {@code serverName} is
	 * {@code null}), the version flag and, if given, {@code -alpn a,b}.
	 */
	public OpenSslResult connect(int port, @Nullable String serverName, TlsVersion version, String... alpn) {
		List<String> command = new ArrayList<>(List.of(this.executable.toString(), "s_client", "-connect",
				TlsClient.LOOPBACK + ":" + port, "-showcerts", "-no_ign_eof", version.openSslFlag()));
		if (serverName != null) {
			command.addAll(List.of("-servername", serverName));
		}
		else {
			command.add("-noservername");
		}
		if (alpn.length > 0) {
			command.addAll(List.of("-alpn", String.join(",", alpn)));
		}
		command.addAll(this.extraArgs);
		return run(command);
	}

	private OpenSslResult run(List<String> command) {
		Path output = null;
		Process process = null;
		try {
			output = Files.createTempFile("openssl-s_client", ".txt");
			long start = System.nanoTime();
			process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			closeStdinAfter(process, this.stdinOpenFor);
			boolean exited = process.waitFor(Math.max(0, this.timeout.toMillis()), TimeUnit.MILLISECONDS);
			if (!exited) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			String text = Files.readString(output, StandardCharsets.ISO_8859_1);
			return new OpenSslResult(List.copyOf(command), exited ? process.exitValue() : -1, !exited, elapsed, text);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
		finally {
			if (process != null && process.isAlive()) {
				process.destroyForcibly();
			}
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					// ignore
				}
			}
		}
	}

	private static void closeStdinAfter(Process process, Duration delay) throws InterruptedException {
		if (!delay.isZero()) {
			process.waitFor(delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		try (OutputStream stdin = process.getOutputStream()) {
			// closing is all we want
		}
		catch (IOException ex) {
			// the process already exited
		}
	}

	private static @Nullable Path findExecutable() {
		return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElse(null);
	}

}
