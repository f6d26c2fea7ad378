package io.github.snistarter.reliability;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Store faults degrade as SPEC T6 and T7 say and heal by themselves: a certificate
 * directory that cannot be read keeps what it served, files deleted or rewritten while
 * the store reads them never break a handshake for another name, and a source whose
 * loads throw or stall fails only its own names, with {@code internal_error} at the
 * store deadline, until it works again.
 */
@ExtendWith(OutputCaptureExtension.class)
class StoreFaultTest {

	private static final Duration STORE_TIMEOUT = Duration.ofMillis(500);

	@TempDir
	static Path base;

	static Path certificates;

	static IssuedCertificate api;

	static FaultyCertificateSource faulty;

	static SniServer server;

	@BeforeAll
	static void start() throws IOException {
		TestCa ca = TestCa.shared();
		certificates = Files.createDirectories(base.resolve("certificates"));
		api = ca.issue("api.test");
		writePem(certificates.resolve("api.pem"), api);
		server = SniServer.builder(base.resolve("bundles"))
			.bundle("fallback", ca.issue("default.test"))
			.serverBundle("fallback")
			.rejectUnknownNames()
			.property("sni.directory.path", certificates.toString())
			.property("sni.directory.quiet-period", "200ms")
			.property("sni.directory.rescan-interval", "1s")
			.property("sni.store-timeout", STORE_TIMEOUT.toMillis() + "ms")
			.with(FaultySourceConfiguration.class)
			.start();
		faulty = server.bean(FaultyCertificateSource.class);
		assertThat(serialFor("api.test")).isEqualTo(api.serial());
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@BeforeEach
	void directoryServesApi() throws IOException {
		if (!Files.isRegularFile(certificates.resolve("api.pem"))) {
			writeAtomically(certificates.resolve("api.pem"), api);
		}
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(TlsClient.trustAll()
				.handshake(server.port(), "api.test", TlsVersion.TLS13)
				.isSuccess()).isTrue());
	}

	@Test
	void unreadableDirectoryKeepsServingWhatItHadAndRecoversWhenReadableAgain() throws Exception {
		Path away = base.resolve("certificates-away");
		// Running as root, permissions cannot make a directory unreadable; a directory that
		// is gone or is no longer a directory fails the same listing call.
		Files.move(certificates, away);
		try {
			Thread.sleep(2500);
			assertThat(serialFor("api.test")).as("served while the directory is gone").isEqualTo(api.serial());
			Files.writeString(certificates, "not a directory");
			Thread.sleep(2500);
			assertThat(serialFor("api.test")).as("served while the path is a file").isEqualTo(api.serial());
		}
		finally {
			Files.deleteIfExists(certificates);
			Files.move(away, certificates);
		}
		IssuedCertificate renewed = TestCa.shared().issue("api.test");
		writeAtomically(certificates.resolve("api.pem"), renewed);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(serialFor("api.test")).isEqualTo(renewed.serial()));
		api = renewed;
	}

	@Test
	void filesDeletedOrRewrittenWhileTheStoreReadsThemNeverBreakAnotherName(CapturedOutput output)
			throws Exception {
		Duration churn = Duration.ofSeconds(ReliabilitySuite.LONG ? 30 : 6);
		List<IssuedCertificate> churned = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			churned.add(TestCa.shared().issue("churn" + i + ".test"));
		}
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger operations = new AtomicInteger();
		List<String> probeFailures = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger probes = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<?> writer = threads.submit(() -> {
				SplittableRandom random = new SplittableRandom(7);
				while (!stop.get()) {
					int i = random.nextInt(churned.size());
					Path file = certificates.resolve("churn" + i + ".pem");
					IssuedCertificate certificate = churned.get(i);
					switch (random.nextInt(4)) {
						case 0 -> Files.deleteIfExists(file);
						case 1 -> {
							// Written in two steps, deleted before or after the store reads it.
							Files.writeString(file, certificate.chainPem(), StandardCharsets.US_ASCII);
							Thread.sleep(random.nextInt(5));
							Files.writeString(file, certificate.chainPem() + certificate.privateKeyPem(),
									StandardCharsets.US_ASCII);
							Thread.sleep(random.nextInt(300));
							Files.deleteIfExists(file);
						}
						case 2 -> writeAtomically(file, certificate);
						default -> Files.writeString(file, "-----BEGIN CERTIFICATE-----\ntruncated",
								StandardCharsets.US_ASCII);
					}
					operations.incrementAndGet();
					Thread.sleep(random.nextInt(50));
				}
				return null;
			});
			Future<?> prober = threads.submit(() -> {
				while (!stop.get()) {
					HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "api.test",
							TlsVersion.TLS13);
					probes.incrementAndGet();
					if (!result.isSuccess() || !result.leafCertificate().getSerialNumber().equals(api.serial())) {
						probeFailures.add(result.toString());
					}
					Thread.sleep(20);
				}
				return null;
			});
			Thread.sleep(churn.toMillis());
			stop.set(true);
			writer.get();
			prober.get();
		}
		finally {
			stop.set(true);
			threads.shutdownNow();
		}
		for (int i = 0; i < churned.size(); i++) {
			Files.deleteIfExists(certificates.resolve("churn" + i + ".pem"));
		}
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(server.bean(CertificateStore.class).list()).noneMatch((info) -> info.toString()
				.contains("churn"));
			assertThat(TlsClient.trustAll().handshake(server.port(), "churn0.test", TlsVersion.TLS13).alert())
				.isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		});
		long stackTraceLines = ServerHealth.stackTraceLines(output);
		ReliabilitySuite.report("store-faults", churn.toSeconds() + " s of " + operations.get()
				+ " file deletions and rewrites under the store: " + probes.get() + " handshakes for another name, "
				+ probeFailures.size() + " failed; stack trace lines in the log: " + stackTraceLines);
		assertThat(probeFailures).isEmpty();
		assertThat(stackTraceLines).as("stack trace lines in the log").isZero();
	}

	@Test
	void sourceThatThrowsFailsOnlyItsNamesAndRecovers() throws Exception {
		IssuedCertificate flaky = TestCa.shared().issue("throwing.test");
		int loadsBefore = faulty.loads();
		faulty.mode(FaultyCertificateSource.Mode.THROWING);
		faulty.put("throwing", flaky);
		int failures = 50;
		for (int i = 0; i < failures; i++) {
			HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "throwing.test", TlsVersion.TLS13);
			assertThat(result.alert()).as(result.toString()).isEqualTo(TlsAlert.INTERNAL_ERROR);
		}
		assertThat(serialFor("api.test")).isEqualTo(api.serial());
		int loads = faulty.loads() - loadsBefore;
		// A failed load is remembered for a moment, so the handshakes did not each ask the source.
		assertThat(loads).as("loads for " + failures + " handshakes").isLessThan(failures);
		faulty.mode(FaultyCertificateSource.Mode.WORKING);
		long recovered = System.nanoTime();
		await().atMost(CertificateStore.FAILED_LOAD_RETRY.plusSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(serialFor("throwing.test")).as("served once the source works")
				.isEqualTo(flaky.serial()));
		long servedAfter = (System.nanoTime() - recovered) / 1_000_000;
		ReliabilitySuite.report("store-faults", "source throwing on load: " + failures
				+ " handshakes got internal_error after " + loads + " failed loads; another name served meanwhile;"
				+ " served again " + servedAfter + " ms after the source recovered (failed loads are retried after "
				+ CertificateStore.FAILED_LOAD_RETRY.toMillis() + " ms)");
	}

	@Test
	void failingLoadsDoNotFloodTheLogWithStackTraces(CapturedOutput output) throws Exception {
		faulty.mode(FaultyCertificateSource.Mode.THROWING);
		faulty.put("flooding", TestCa.shared().issue("flooding.test"));
		try {
			for (int i = 0; i < 50; i++) {
				TlsClient.trustAll().handshake(server.port(), "flooding.test", TlsVersion.TLS13);
			}
		}
		finally {
			faulty.mode(FaultyCertificateSource.Mode.WORKING);
		}
		long traces = output.getOut().lines().filter((line) -> line.contains("Exception")
				&& (line.contains(" WARN ") || line.contains(" ERROR "))).count();
		assertThat(traces).as("log lines with an exception for 50 failed handshakes").isLessThanOrEqualTo(2);
	}

	@Test
	void sourceThatStallsIsCutOffAtTheStoreDeadlineWithoutHoldingUpOthersAndRecovers() throws Exception {
		IssuedCertificate stalled = TestCa.shared().issue("stalling.test");
		faulty.mode(FaultyCertificateSource.Mode.STALLING);
		faulty.put("stalling", stalled);
		int concurrent = 40;
		ExecutorService clients = Executors.newFixedThreadPool(concurrent + 1);
		try {
			List<Future<HandshakeResult>> waiting = new ArrayList<>();
			for (int i = 0; i < concurrent; i++) {
				waiting.add(clients.submit(() -> TlsClient.trustAll().handshake(server.port(), "stalling.test",
						TlsVersion.TLS13)));
			}
			// Meanwhile other names are served at once: the stall holds only the source's loaders.
			long start = System.nanoTime();
			List<Long> others = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				long t0 = System.nanoTime();
				assertThat(serialFor("api.test")).isEqualTo(api.serial());
				others.add((System.nanoTime() - t0) / 1_000_000);
			}
			Duration longest = Duration.ZERO;
			for (Future<HandshakeResult> result : waiting) {
				HandshakeResult handshake = result.get();
				assertThat(handshake.alert()).as(handshake.toString()).isEqualTo(TlsAlert.INTERNAL_ERROR);
				longest = (handshake.elapsed().compareTo(longest) > 0) ? handshake.elapsed() : longest;
			}
			ReliabilitySuite.report("store-faults", "source stalling on load: " + concurrent
					+ " concurrent handshakes got internal_error, the longest after " + longest.toMillis()
					+ " ms (store timeout " + STORE_TIMEOUT.toMillis() + " ms); 10 handshakes for another name took "
					+ others + " ms meanwhile (" + (System.nanoTime() - start) / 1_000_000 + " ms in all)");
			assertThat(longest).isLessThan(STORE_TIMEOUT.plusSeconds(3));
		}
		finally {
			clients.shutdownNow();
			faulty.mode(FaultyCertificateSource.Mode.WORKING);
		}
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(serialFor("stalling.test")).isEqualTo(stalled.serial()));
	}

	private static BigInteger serialFor(String name) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

	private static void writePem(Path file, IssuedCertificate certificate) throws IOException {
		Files.writeString(file, certificate.chainPem() + certificate.privateKeyPem(), StandardCharsets.US_ASCII);
	}

	private static void writeAtomically(Path file, IssuedCertificate certificate) throws IOException {
		Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
		writePem(temporary, certificate);
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	@Configuration(proxyBeanMethods = false)
	static class FaultySourceConfiguration {

		@Bean
		FaultyCertificateSource faultyCertificateSource() {
			return new FaultyCertificateSource();
		}

	}

}
