package io.github.snistarter.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Sizes of the reliability suite. The short sizes run with every {@code ./mvnw verify};
 * {@code ./mvnw verify -Preliability-long} sets {@code sni.reliability.long=true} and the
 * long sizes the issue asks for. Every size can also be set on its own with
 * {@code -Dsni.reliability.<name>=<value>}, and {@code -Dsni.reliability.seed=<n>} replays
 * a fuzz run.
 */
final class ReliabilitySuite {

	static final boolean LONG = Boolean.getBoolean("sni.reliability.long");

	private static final Path RESULTS = Path.of("target", "reliability");

	private ReliabilitySuite() {
	}

	/** Mutated ClientHellos sent by the fuzzer. */
	static int fuzzCases() {
		return size("fuzz-cases", 3_000, 100_000);
	}

	/** Connections the fuzzer keeps open at once. */
	static int fuzzConcurrency() {
		return size("fuzz-concurrency", 16, 32);
	}

	/** Concurrent handshaking clients during a rotation. */
	static int rotationClients() {
		return size("rotation-clients", 24, 200);
	}

	/** Rotations of one name's certificate. */
	static int rotations() {
		return size("rotations", 8, 50);
	}

	/** Seconds of random-name flood. */
	static int floodSeconds() {
		return size("flood-seconds", 10, 60);
	}

	/** Random names checked by the property test. */
	static int propertyNames() {
		return size("property-names", 300, 5_000);
	}

	/** Slow (one byte at a time) connections held open at once. */
	static int slowConnections() {
		return size("slow-connections", 20, 200);
	}

	/** Case numbers to replay alone ({@code -Dsni.reliability.fuzz-only=307,1233}), or {@code null}. */
	static int @Nullable [] fuzzOnly() {
		String only = System.getProperty("sni.reliability.fuzz-only");
		return (only != null) ? Arrays.stream(only.split(",")).mapToInt((n) -> Integer.parseInt(n.trim())).toArray()
				: null;
	}

	/** The fuzzer's seed: {@code sni.reliability.seed} or a fresh one, always printed. */
	static long seed() {
		Long seed = Long.getLong("sni.reliability.seed");
		return (seed != null) ? seed : ThreadLocalRandom.current().nextLong();
	}

	/**
	 * Print a result line and append it to {@code target/reliability/results.txt}, so the
	 * figures of the last run can be read back in one place.
	 */
	static void report(String test, String line) {
		String text = "[reliability " + (LONG ? "long" : "short") + "] " + test + ": " + line;
		System.out.println(text);
		try {
			Files.createDirectories(RESULTS);
			Files.writeString(RESULTS.resolve("results.txt"), Instant.now() + " " + text + System.lineSeparator(),
					StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			System.out.println("Cannot write " + RESULTS + ": " + ex);
		}
	}

	private static int size(String name, int shortSize, int longSize) {
		return Integer.getInteger("sni.reliability." + name, LONG ? longSize : shortSize);
	}

}
