package io.github.snistarter.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.StoreStatistics;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.RawClientHello;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of handshakes with random unknown names under the {@code reject} policy
 * (SPEC T7): each gets alert 112 before the server does any key operation (the store
 * loads, indexes and caches nothing for them), the heap stays flat, and handshakes for a
 * known name keep succeeding at close to their unloaded latency. The flood client sends a
 * prepared ClientHello with a fresh random name per connection and reads the 7-byte
 * alert, so the machine's time goes to the server, not to client-side cryptography.
 */
class UnknownNameFloodTest {

	private static final String KNOWN_NAME = "api.test";

	private static final String NAME_TEMPLATE = "0123456789abcdef0123.flood.test";

	private static final String NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

	private static final byte[] ALERT_112 = { 21, 3, 3, 0, 2, 2, 112 };

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
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void floodOfRandomUnknownNamesKeepsHeapFlatAndKnownNamesFast() throws Exception {
		Probe probe = new Probe(TestCa.shared(), server.port());
		int threads = Integer.getInteger("sni.reliability.flood-threads",
				2 * Runtime.getRuntime().availableProcessors());
		// Warm up both paths, so the baseline is not the JIT's.
		probe.latencies(100, 0);
		Flood warmup = new Flood(server.port(), threads, 1L);
		warmup.runFor(Duration.ofSeconds(2));
		List<Long> unloaded = probe.latencies(ReliabilitySuite.LONG ? 500 : 100, 5);
		long heapStart = ServerHealth.usedHeapAfterGc();
		StoreStatistics storeBefore = server.bean(CertificateStore.class).statistics();

		Duration duration = Duration.ofSeconds(ReliabilitySuite.floodSeconds());
		Flood flood = new Flood(server.port(), threads, 2L);
		ExecutorService background = Executors.newSingleThreadExecutor();
		Future<?> flooding = background.submit(() -> {
			flood.runFor(duration);
			return null;
		});
		List<Long> loaded = new ArrayList<>();
		long heapMiddle = 0;
		long startedAt = System.nanoTime();
		long middle = startedAt + duration.toNanos() / 2;
		while (!flooding.isDone()) {
			if (heapMiddle == 0 && System.nanoTime() > middle) {
				// Taken by the probe thread between two probes, so no probe includes the forced GC.
				heapMiddle = ServerHealth.usedHeapAfterGc();
				continue;
			}
			loaded.addAll(probe.latencies(1, 0));
			Thread.sleep(20);
		}
		flooding.get();
		background.shutdown();
		long heapEnd = ServerHealth.usedHeapAfterGc();
		StoreStatistics storeAfter = server.bean(CertificateStore.class).statistics();
		long lingering = ServerHealth.awaitNoConnections(server, Duration.ofSeconds(10));

		double rate = flood.answered() / (double) duration.toSeconds();
		long p50Unloaded = percentile(unloaded, 50);
		long p99Unloaded = percentile(unloaded, 99);
		long p50Loaded = percentile(loaded, 50);
		long p99Loaded = percentile(loaded, 99);
		ReliabilitySuite.report("flood", String.format(
				"%d s, %d flood threads: %d handshakes with random unknown names (%.0f/s), %d got alert 112,"
						+ " %d other answers, %d client errors",
				duration.toSeconds(), threads, flood.answered(), rate, flood.rejected(), flood.wrongAnswers().size(),
				flood.clientErrors()));
		ReliabilitySuite.report("flood", String.format(
				"known-name TLS 1.3 handshakes: unloaded p50 %.2f ms p99 %.2f ms (%d); during flood p50 %.2f ms p99"
						+ " %.2f ms (%d, %d failed); p99 ratio %.2f",
				p50Unloaded / 1e6, p99Unloaded / 1e6, unloaded.size(), p50Loaded / 1e6, p99Loaded / 1e6,
				loaded.size(), probe.failures().size(), p99Loaded / (double) p99Unloaded));
		ReliabilitySuite.report("flood", "used heap after GC: start " + ServerHealth.mebibytes(heapStart)
				+ ", middle " + ServerHealth.mebibytes(heapMiddle) + ", end " + ServerHealth.mebibytes(heapEnd)
				+ "; connections open afterwards: " + lingering);
		ReliabilitySuite.report("flood", "store during the flood: context loads " + storeBefore.loads() + " -> "
				+ storeAfter.loads() + ", indexed names " + storeBefore.indexedNames() + " -> "
				+ storeAfter.indexedNames() + ", cached contexts " + storeBefore.cachedContexts() + " -> "
				+ storeAfter.cachedContexts());
		flood.wrongAnswers().stream().limit(10).forEach((answer) -> ReliabilitySuite.report("flood", "  " + answer));
		probe.failures().stream().limit(10).forEach((failure) -> ReliabilitySuite.report("flood", "  " + failure));

		assertThat(flood.wrongAnswers()).as("flood answers other than alert 112").isEmpty();
		assertThat(flood.rejected()).as("flood handshakes").isGreaterThan(100);
		// Unknown names cost no key operation: nothing is loaded, indexed or cached for them.
		assertThat(storeAfter.loads()).as("context loads").isEqualTo(storeBefore.loads());
		assertThat(storeAfter.indexedNames()).isEqualTo(storeBefore.indexedNames());
		assertThat(storeAfter.cachedContexts()).isEqualTo(storeBefore.cachedContexts());
		assertThat(flood.clientErrors()).as("flood connections that ended without an answer").isZero();
		assertThat(probe.failures()).as("known-name handshakes during the flood").isEmpty();
		assertThat(loaded).as("known-name handshakes during the flood").hasSizeGreaterThan(10);
		assertThat(heapEnd - heapStart).as("heap growth over the flood")
			.isLessThan((ReliabilitySuite.LONG ? 32L : 64L) * 1024 * 1024);
		assertThat(lingering).isZero();
		if (ReliabilitySuite.LONG) {
			assertThat(p99Loaded).as("p99 during the flood within 2x unloaded").isLessThanOrEqualTo(2 * p99Unloaded);
		}
	}

	private static long percentile(List<Long> values, int percent) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	/** Known-name handshakes with a fresh client context each (no resumption), timed. */
	private static final class Probe {

		private final TrustManagerFactory trust;

		private final int port;

		private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

		Probe(TestCa ca, int port) throws GeneralSecurityException {
			this.trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			this.trust.init(ca.trustStore());
			this.port = port;
		}

		List<Long> latencies(int count, long pauseMillis) throws Exception {
			List<Long> latencies = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				SSLContext context = SSLContext.getInstance("TLS");
				context.init(null, this.trust.getTrustManagers(), null);
				HandshakeResult result = TlsClient.using(context).handshake(this.port, KNOWN_NAME, TlsVersion.TLS13);
				if (!result.isSuccess() || !result.leafCertificate().getSerialNumber().equals(api.serial())) {
					this.failures.add(result.toString());
				}
				else {
					latencies.add(result.elapsed().toNanos());
				}
				if (pauseMillis > 0) {
					Thread.sleep(pauseMillis);
				}
			}
			return latencies;
		}

		List<String> failures() {
			return this.failures;
		}

	}

	/** Raw ClientHellos with random unknown names, as fast as the threads go. */
	private static final class Flood {

		private final int port;

		private final int threads;

		private final long seed;

		private final LongAdder answered = new LongAdder();

		private final LongAdder rejected = new LongAdder();

		private final LongAdder clientErrors = new LongAdder();

		private final List<String> wrongAnswers = Collections.synchronizedList(new ArrayList<>());

		Flood(int port, int threads, long seed) {
			this.port = port;
			this.threads = threads;
			this.seed = seed;
		}

		void runFor(Duration duration) throws Exception {
			byte[] template = RawClientHello.tls13().serverName(NAME_TEMPLATE).toRecord();
			int nameAt = indexOf(template, NAME_TEMPLATE.getBytes(StandardCharsets.US_ASCII));
			AtomicBoolean stop = new AtomicBoolean();
			ExecutorService executor = Executors.newFixedThreadPool(this.threads);
			try {
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < this.threads; t++) {
					SplittableRandom random = new SplittableRandom(this.seed * 31 + t);
					workers.add(executor.submit(() -> {
						byte[] hello = template.clone();
						while (!stop.get()) {
							for (int i = 0; i < 20; i++) {
								int next = random.nextInt(NAME_CHARACTERS.length());
								hello[nameAt + i] = (byte) NAME_CHARACTERS.charAt(next);
							}
							handshake(hello);
						}
						return null;
					}));
				}
				Thread.sleep(duration.toMillis());
				stop.set(true);
				for (Future<?> worker : workers) {
					worker.get();
				}
			}
			finally {
				stop.set(true);
				executor.shutdownNow();
			}
		}

		private void handshake(byte[] hello) {
			try (Socket socket = new Socket()) {
				socket.setTcpNoDelay(true);
				socket.setSoLinger(true, 0);
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 10_000);
				socket.setSoTimeout(10_000);
				socket.getOutputStream().write(hello);
				byte[] answer = new byte[7];
				InputStream in = socket.getInputStream();
				int read = 0;
				while (read < answer.length) {
					int count = in.read(answer, read, answer.length - read);
					if (count < 0) {
						break;
					}
					read += count;
				}
				this.answered.increment();
				if (read == answer.length && Arrays.equals(answer, ALERT_112)) {
					this.rejected.increment();
				}
				else if (this.wrongAnswers.size() < 100) {
					this.wrongAnswers.add(read + " bytes: " + HexFormat.of().formatHex(answer, 0, read));
				}
			}
			catch (IOException ex) {
				this.clientErrors.increment();
			}
		}

		long answered() {
			return this.answered.sum();
		}

		long rejected() {
			return this.rejected.sum();
		}

		long clientErrors() {
			return this.clientErrors.sum();
		}

		List<String> wrongAnswers() {
			return this.wrongAnswers;
		}

		private static int indexOf(byte[] data, byte[] part) {
			outer: for (int i = 0; i <= data.length - part.length; i++) {
				for (int j = 0; j < part.length; j++) {
					if (data[i + j] != part[j]) {
						continue outer;
					}
				}
				return i;
			}
			throw new IllegalStateException("Name not found in the ClientHello");
		}

	}

}
