package io.github.snistarter.server;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.StoreStatistics;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.RawClientHello;
import io.github.snistarter.testkit.RawTlsClient;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import io.github.snistarter.testkit.WireResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile or bursty traffic against the store (SPEC T7, S3), with a source standing in
 * for a remote store that counts the queries reaching it: a flood of random names never
 * reaches it and leaves nothing behind, a burst of first handshakes for one name loads
 * it once, and a slow store cannot hold a handshake past the deadline.
 */
class FloodSafetyTest {

	private static final int FLOOD = 10_000;

	@TempDir
	static Path directory;

	static SniServer server;

	static CountingCertificateSource source;

	static IssuedCertificate known;

	static final TestCa ca = TestCa.shared();

	@BeforeAll
	static void start() {
		known = ca.issue("known.test");
		server = SniServer.builder(directory)
			.bundle("fallback", ca.issue("default.test"))
			.serverBundle("fallback")
			.rejectUnknownNames()
			.property("sni.store-timeout", "1s")
			.with(CountingSourceConfiguration.class)
			.start();
		source = server.bean(CountingCertificateSource.class);
		source.add("known", known);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void floodOfRandomUnknownNamesNeverReachesTheStoreNorGrowsItAndKnownNamesKeepBeingServed() throws Exception {
		assertThat(serialFor("known.test")).isEqualTo(known.serial());
		int queriesBefore = source.loads();
		StoreStatistics before = store().statistics();
		long heapBefore = usedHeapAfterGc();
		AtomicInteger refused = new AtomicInteger();
		AtomicInteger knownServed = new AtomicInteger();
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> work = new ArrayList<>();
			for (int thread = 0; thread < 4; thread++) {
				work.add(clients.submit(() -> {
					for (int i = 0; i < FLOOD / 4; i++) {
						String name = UUID.randomUUID().toString().replace("-", "") + ".flood.test";
						WireResult result = RawTlsClient.send(server.port(), RawClientHello.tls12().serverName(name),
								Duration.ofSeconds(5));
						if (result.alert() != null && result.alert().equals(TlsAlert.UNRECOGNIZED_NAME)) {
							refused.incrementAndGet();
						}
						if (i % 500 == 0 && serialFor("known.test").equals(known.serial())) {
							knownServed.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> done : work) {
				done.get();
			}
		}
		finally {
			clients.shutdownNow();
		}
		StoreStatistics after = store().statistics();
		int queries = source.loads() - queriesBefore;
		System.out.printf("Flood of %d random unknown names: %d refused with unrecognized_name, %d store queries, "
				+ "indexed names %d -> %d, cached contexts %d -> %d, heap %+.1f MB after GC; known name served %d "
				+ "times during the flood%n", FLOOD, refused.get(), queries, before.indexedNames(),
				after.indexedNames(), before.cachedContexts(), after.cachedContexts(),
				(usedHeapAfterGc() - heapBefore) / 1e6, knownServed.get());
		assertThat(refused.get()).isEqualTo(FLOOD);
		assertThat(queries).isZero();
		assertThat(after.indexedNames()).isEqualTo(before.indexedNames());
		assertThat(after.cachedContexts()).isEqualTo(before.cachedContexts());
		assertThat(after.loads()).isEqualTo(before.loads());
		assertThat(knownServed.get()).isEqualTo(4 * (FLOOD / 4 / 500));
	}

	@Test
	void fiftyConcurrentFirstHandshakesForOneNewNameLoadItOnce() throws Exception {
		IssuedCertificate burst = ca.issue("burst.test");
		source.add("burst", burst);
		int queriesBefore = source.loads();
		source.delayLoads(Duration.ofMillis(300));
		ExecutorService clients = Executors.newFixedThreadPool(50);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<HandshakeResult>> handshakes = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				handshakes.add(clients.submit(() -> {
					go.await();
					return TlsClient.trustAll().handshake(server.port(), "burst.test", TlsVersion.TLS13);
				}));
			}
			go.countDown();
			for (Future<HandshakeResult> handshake : handshakes) {
				HandshakeResult result = handshake.get();
				assertThat(result.isSuccess()).as(result.toString()).isTrue();
				assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(burst.serial());
			}
		}
		finally {
			source.delayLoads(Duration.ZERO);
			clients.shutdownNow();
		}
		assertThat(source.loads() - queriesBefore).isEqualTo(1);
	}

	@Test
	void slowStoreEndsTheHandshakeWithInternalErrorAtTheDeadlineWhileKnownNamesAreServed() throws Exception {
		IssuedCertificate slow = ca.issue("slow.test");
		source.add("slow", slow);
		assertThat(serialFor("known.test")).isEqualTo(known.serial());
		source.delayLoads(Duration.ofSeconds(4));
		try {
			ExecutorService client = Executors.newSingleThreadExecutor();
			Future<HandshakeResult> waiting = client.submit(
					() -> TlsClient.trustAll().handshake(server.port(), "slow.test", TlsVersion.TLS13));
			// While the slow load holds the first handshake, known names are served.
			assertThat(serialFor("known.test")).isEqualTo(known.serial());
			HandshakeResult timedOut = waiting.get();
			client.shutdown();
			assertThat(timedOut.alert()).as(timedOut.toString()).isEqualTo(TlsAlert.INTERNAL_ERROR);
			assertThat(store().statistics().loadTimeouts()).isPositive();
		}
		finally {
			source.delayLoads(Duration.ZERO);
		}
		// The load finishes in the background and serves the handshakes that follow.
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "slow.test", TlsVersion.TLS13);
			return result.isSuccess() && result.leafCertificate().getSerialNumber().equals(slow.serial());
		});
	}

	private static BigInteger serialFor(String name) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

	private static CertificateStore store() {
		return server.bean(CertificateStore.class);
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	@Configuration(proxyBeanMethods = false)
	static class CountingSourceConfiguration {

		@Bean
		CountingCertificateSource countingCertificateSource() {
			return new CountingCertificateSource();
		}

	}

}
