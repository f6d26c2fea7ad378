package io.github.snistarter.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated ClientHellos against a running server under the reject policy: every
 * connection ends promptly with a fatal alert, a ServerHello (only for a hello that is
 * still well formed and names a served name), or a close; the server is healthy
 * afterwards.
 * <p>
 * The rules, with {@link WireShape} as the oracle for "the server can decide":
 * <ul>
 * <li>decidable bytes, connection left open: a fatal alert and a close within 1 s of
 * the last write, or a ServerHello within 1 s; never silence, never a close without an
 * alert;</li>
 * <li>bytes that end before the server can decide (inside a record, or before the
 * ClientHello is complete), connection left open: the server must wait, so silence is
 * right (the handshake timeout closes it, see {@link HandshakeTimeoutTest});</li>
 * <li>client half-closes after its bytes: whatever the bytes, the connection ends within
 * 1 s; a close without an alert is right here, because Tomcat's handshake loop reads the
 * socket (and finds the end of the stream) before it hands the bytes it holds to the
 * engine.</li>
 * </ul>
 * See docs/reliability.md for the mutations and the figures of the last long run.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientHelloFuzzTest {

	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private static final Duration WAITING_CHECK = Duration.ofMillis(300);

	private static final String KNOWN_NAME = "api.test";

	@TempDir
	static Path directory;

	static IssuedCertificate api;

	static SniServer server;

	@BeforeAll
	static void start() {
		TestCa ca = TestCa.shared();
		api = ca.issue(KNOWN_NAME);
		server = SniServer.builder(directory)
			.bundle("api", api)
			.bundle("fallback", ca.issue("default.test"))
			.serverBundle("fallback")
			.serve(KNOWN_NAME, "api")
			.rejectUnknownNames()
			.property("server.tomcat.connection-timeout", "3s")
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void everyMutatedClientHelloEndsWithAnAlertOrACloseAndTheServerStaysHealthy(CapturedOutput output)
			throws Exception {
		long seed = ReliabilitySuite.seed();
		int[] only = ReliabilitySuite.fuzzOnly();
		int cases = (only != null) ? only.length : ReliabilitySuite.fuzzCases();
		int concurrency = ReliabilitySuite.fuzzConcurrency();
		System.out.println("Fuzzing with -Dsni.reliability.seed=" + seed + " (" + cases + " cases)");
		// Warm up (JIT, pools) on other cases of the same kinds, so the 1 s rule measures the server, not a cold JVM.
		new FuzzRun(new ClientHelloMutator(seed + 1, KNOWN_NAME), null, Math.min(cases, 1000)).run(concurrency);
		FuzzRun run = new FuzzRun(new ClientHelloMutator(seed, KNOWN_NAME), only, cases);
		Duration took = run.run(concurrency);
		Map<String, LongAdder> tally = run.tally;
		List<String> failures = run.failures;
		long lingering = ServerHealth.awaitNoConnections(server, Duration.ofSeconds(10));
		List<String> stuck = ServerHealth.workersStuckInStarter(5, Duration.ofMillis(200));
		long stackTraceLines = ServerHealth.stackTraceLines(output);
		List<String> warnings = ServerHealth.warnAndErrorLines(output);
		HandshakeResult valid = TlsClient.trusting(TestCa.shared()).handshake(server.port(), KNOWN_NAME,
				TlsVersion.TLS13);
		report(seed, cases, concurrency, took, tally, failures, lingering, stuck, stackTraceLines, warnings, valid);
		ReliabilitySuite.report("fuzz", "time from last write to the server's answer (decidable cases): p50 "
				+ run.decisionPercentile(50) + " ms, p99 " + run.decisionPercentile(99) + " ms, max "
				+ run.decisionPercentile(100) + " ms");
		assertThat(failures).as("connections that broke the rules (seed " + seed + ")").isEmpty();
		assertThat(lingering).as("connections still open").isZero();
		assertThat(stuck).as("workers stuck in the starter").isEmpty();
		// Rate-limited lines are fine; one line (let alone a stack trace) per connection is a flood.
		assertThat(stackTraceLines).as("stack trace lines in the log").isLessThanOrEqualTo(40);
		assertThat(warnings).as("WARN and ERROR lines in the log").hasSizeLessThanOrEqualTo(5);
		assertThat(valid.isSuccess()).as(valid.toString()).isTrue();
		assertThat(valid.leafCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

	/** Run one case; {@code null} when the server behaved, else why not. */
	private static @Nullable String judge(FuzzCase fuzzCase, Map<String, LongAdder> tally, List<Long> decisionMillis) {
		WireShape shape = WireShape.of(fuzzCase.stream());
		boolean waiting = !shape.decidable() && !fuzzCase.halfClose();
		FuzzConnection.Outcome outcome;
		try {
			outcome = FuzzConnection.run(server.port(), fuzzCase, waiting ? WAITING_CHECK : ONE_SECOND, ONE_SECOND);
		}
		catch (IOException ex) {
			count(tally, "client could not connect");
			return fuzzCase + ": cannot connect: " + ex;
		}
		String label = outcome.kind() + ((outcome.kind() == FuzzConnection.Kind.ALERT)
				? " " + outcome.alertDescription() : "");
		count(tally, (fuzzCase.halfClose() ? "half-closed, " : "") + shape.kind() + " -> " + label);
		if (shape.decidable() && !fuzzCase.halfClose()) {
			decisionMillis.add(outcome.firstEvent().toMillis());
		}
		String problem = problem(fuzzCase, shape, outcome);
		if (ReliabilitySuite.fuzzOnly() != null) {
			System.out.println("Replayed " + fuzzCase + " (" + shape + "): " + outcome + " "
					+ HexFormat.of().formatHex(fuzzCase.stream()));
		}
		return (problem != null) ? fuzzCase + " (" + shape + "): " + problem + "; got " + outcome : null;
	}

	private static @Nullable String problem(FuzzCase fuzzCase, WireShape shape, FuzzConnection.Outcome outcome) {
		switch (outcome.kind()) {
			case ALERT -> {
				if (outcome.alertLevel() != 2) {
					return "a warning-level alert";
				}
				if (!shape.decidable() && !fuzzCase.halfClose()) {
					return "an alert before the server could know";
				}
				if (outcome.closed() == null || outcome.closed().compareTo(ONE_SECOND) > 0) {
					return "no close within 1 s of the last write";
				}
				return null;
			}
			case SERVER_HELLO -> {
				if (outcome.firstEvent().compareTo(ONE_SECOND) > 0) {
					return "ServerHello later than 1 s";
				}
				if (shape.kind() != WireShape.Kind.COMPLETE) {
					return "a ServerHello without a complete ClientHello";
				}
				HelloLayout layout = HelloLayout.of(shape.message());
				if (!layout.isWellFormed()) {
					return "a ServerHello for a malformed ClientHello (" + layout.problem() + ")";
				}
				if (!servable(layout)) {
					return "a ServerHello for a name the server does not serve under the reject policy";
				}
				return null;
			}
			case CLOSED_WITHOUT_ALERT -> {
				if (!fuzzCase.halfClose()) {
					return "a close without an alert";
				}
				return (outcome.closed().compareTo(ONE_SECOND) > 0) ? "close later than 1 s" : null;
			}
			case HTTP_RESPONSE -> {
				// Tomcat's answer to something that looks like a plain HTTP request line.
				return (shape.kind() == WireShape.Kind.INVALID) ? null : "an HTTP answer to TLS bytes";
			}
			case SILENT -> {
				return (!shape.decidable() && !fuzzCase.halfClose()) ? null
						: "no answer and no close within 1 s of the last write";
			}
			default -> {
				return "unexpected bytes";
			}
		}
	}

	/** Under the reject policy only the known name, no name, or an IP literal get a ServerHello. */
	private static boolean servable(HelloLayout layout) {
		if (layout.hostNames().isEmpty()) {
			return true;
		}
		if (layout.hostNames().size() > 1) {
			return false;
		}
		String name = new String(layout.hostNames().get(0), StandardCharsets.ISO_8859_1);
		return name.toLowerCase(Locale.ROOT).equals(KNOWN_NAME)
				|| name.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
	}

	/** A batch of cases run by a bounded pool of clients. */
	private static final class FuzzRun {

		final Map<String, LongAdder> tally = new ConcurrentHashMap<>();

		final List<String> failures = Collections.synchronizedList(new ArrayList<>());

		final List<Long> decisionMillis = Collections.synchronizedList(new ArrayList<>());

		private final ClientHelloMutator mutator;

		private final int @Nullable [] only;

		private final int cases;

		FuzzRun(ClientHelloMutator mutator, int @Nullable [] only, int cases) {
			this.mutator = mutator;
			this.only = only;
			this.cases = cases;
		}

		Duration run(int concurrency) throws Exception {
			AtomicInteger next = new AtomicInteger();
			long startedAt = System.nanoTime();
			ExecutorService clients = Executors.newFixedThreadPool(concurrency);
			try {
				List<Future<?>> workers = new ArrayList<>();
				for (int i = 0; i < concurrency; i++) {
					workers.add(clients.submit(() -> {
						for (int index = next.getAndIncrement(); index < this.cases; index = next.getAndIncrement()) {
							FuzzCase fuzzCase = this.mutator.mutate((this.only != null) ? this.only[index] : index);
							String failure = judge(fuzzCase, this.tally, this.decisionMillis);
							if (failure != null && this.failures.size() < 1000) {
								this.failures.add(failure);
							}
						}
						return null;
					}));
				}
				for (Future<?> worker : workers) {
					worker.get();
				}
			}
			finally {
				clients.shutdownNow();
			}
			return Duration.ofNanos(System.nanoTime() - startedAt);
		}

		long decisionPercentile(int percent) {
			List<Long> sorted = new ArrayList<>(this.decisionMillis);
			if (sorted.isEmpty()) {
				return -1;
			}
			Collections.sort(sorted);
			int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
			return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
		}

	}

	private static void count(Map<String, LongAdder> tally, String key) {
		tally.computeIfAbsent(key, (k) -> new LongAdder()).increment();
	}

	private static void report(long seed, int cases, int concurrency, Duration took, Map<String, LongAdder> tally,
			List<String> failures, long lingering, List<String> stuck, long stackTraceLines, List<String> warnings,
			HandshakeResult valid) {
		String name = "fuzz";
		ReliabilitySuite.report(name, String.format("%d cases, seed %d, %d concurrent, %d s (%.0f/s)", cases, seed,
				concurrency, took.toSeconds(), cases / Math.max(0.001, took.toMillis() / 1000.0)));
		new TreeMap<>(tally).forEach((key, count) -> ReliabilitySuite.report(name, "  " + key + ": " + count.sum()));
		ReliabilitySuite.report(name, "rule violations: " + failures.size() + ", connections open afterwards: "
				+ lingering + ", workers stuck in starter code: " + stuck.size() + ", stack trace lines in log: "
				+ stackTraceLines + ", WARN/ERROR lines: " + warnings.size() + ", valid handshake afterwards: "
				+ valid.outcome());
		failures.stream().limit(30).forEach((failure) -> ReliabilitySuite.report(name, "  FAILED " + failure));
		warnings.stream().limit(10).forEach((warning) -> ReliabilitySuite.report(name, "  LOG " + warning));
	}

}
