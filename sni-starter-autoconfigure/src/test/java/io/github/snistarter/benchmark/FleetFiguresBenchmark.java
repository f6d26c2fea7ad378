package io.github.snistarter.benchmark;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.Selection;
import io.github.snistarter.store.StoredCertificate;
import io.github.snistarter.store.jdbc.JdbcCertificateSource;
import io.github.snistarter.store.jdbc.JdbcCertificates;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.PostgresServer;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints the figures of the PostgreSQL store for fleets: how long a change written on
 * replica A takes to be selected by replica B (median and worst over 100 changes, half
 * additions of new names, half rotations), and what the first handshake for a
 * certificate new to a replica costs (the cold load: one query, decryption, checks, and
 * the context). Asserts only the issue's bound, 2 s for every change. Not part of the
 * normal build (its name does not end in {@code Test}); run it with
 * <pre>
 * ./mvnw -pl sni-starter-autoconfigure test -Dtest=FleetFiguresBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * cat sni-starter-autoconfigure/target/surefire-reports/*FleetFiguresBenchmark-output.txt
 * </pre>
 */
class FleetFiguresBenchmark {

	private static final int CHANGES = Integer.getInteger("sni.benchmark.changes", 100);

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@TempDir
	Path directory;

	@Test
	void propagationDelayAndColdLoadLatency() throws Exception {
		String url = postgres.createDatabase();
		String masterKey = randomMasterKey();
		TestCa ca = TestCa.shared();
		IssuedCertificate fallback = ca.issue("default.fleet.test");
		try (SniServer a = replica(this.directory.resolve("a"), url, masterKey, fallback)
			.property("sni.jdbc.create-schema", true)
			.start(); SniServer b = replica(this.directory.resolve("b"), url, masterKey, fallback).start()) {
			JdbcCertificates admin = a.bean(JdbcCertificates.class);
			CertificateStore storeOfB = b.bean(CertificateStore.class);
			JdbcCertificateSource sourceOfB = b.bean(JdbcCertificateSource.class);
			CertificateContextFactory contextsOfB = b.bean(CertificateContextFactory.class);
			warmUp(admin, storeOfB, b, ca);

			List<Long> propagation = new ArrayList<>();
			List<Long> afterCommit = new ArrayList<>();
			List<Long> coldHandshake = new ArrayList<>();
			List<Long> warmHandshake = new ArrayList<>();
			List<Long> load = new ArrayList<>();
			String name = null;
			for (int i = 0; i < CHANGES; i++) {
				boolean rotation = (i % 2 == 1);
				String id = rotation ? "change-" + (i - 1) : "change-" + i;
				name = id + ".fleet.test";
				IssuedCertificate certificate = ca.issue(name);
				StoredCertificate before = selected(storeOfB, name);
				long start = System.nanoTime();
				if (rotation) {
					admin.rotate(id, certificate.chainPem(), certificate.privateKeyPem());
				}
				else {
					admin.add(id, certificate.chainPem(), certificate.privateKeyPem());
				}
				long committed = System.nanoTime();
				StoredCertificate after = awaitSelectedChange(storeOfB, name, before, start);
				long selected = System.nanoTime();
				propagation.add(selected - start);
				afterCommit.add(selected - committed);

				HandshakeResult cold = handshake(b, name);
				assertThat(cold.leafCertificate().getSerialNumber()).isEqualTo(certificate.serial());
				HandshakeResult warm = handshake(b, name);
				coldHandshake.add(cold.elapsed().toNanos());
				warmHandshake.add(warm.elapsed().toNanos());
				long loadStart = System.nanoTime();
				sourceOfB.createContext(after, contextsOfB);
				load.add(System.nanoTime() - loadStart);
			}
			System.out.printf("Fleet store, %d changes written on replica A (%d additions, %d rotations), "
					+ "%d processors, load average %.1f%n", CHANGES, (CHANGES + 1) / 2, CHANGES / 2,
					Runtime.getRuntime().availableProcessors(),
					java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
			print("write on A until B selects the new certificate", propagation);
			print("commit on A until B selects it", afterCommit);
			print("first handshake on B for the new certificate (cold)", coldHandshake);
			print("second handshake on B (context cached)", warmHandshake);
			List<Long> coldExtra = new ArrayList<>();
			for (int i = 0; i < coldHandshake.size(); i++) {
				coldExtra.add(coldHandshake.get(i) - warmHandshake.get(i));
			}
			print("cold-load latency: first minus second handshake", coldExtra);
			print("load alone on B: query, decrypt, checks, SSLContext", load);
			assertThat(Collections.max(propagation)).isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
		}
	}

	private static void warmUp(JdbcCertificates admin, CertificateStore store, SniServer b, TestCa ca) {
		for (int i = 0; i < 10; i++) {
			IssuedCertificate certificate = ca.issue("warm-" + i + ".fleet.test");
			long start = System.nanoTime();
			admin.add("warm-" + i, certificate.chainPem(), certificate.privateKeyPem());
			awaitSelectedChange(store, "warm-" + i + ".fleet.test", null, start);
			handshake(b, "warm-" + i + ".fleet.test");
		}
	}

	private static StoredCertificate selected(CertificateStore store, String name) {
		Selection selection = store.find(name);
		return (selection != null) ? selection.certificate() : null;
	}

	private static StoredCertificate awaitSelectedChange(CertificateStore store, String name,
			StoredCertificate before, long start) {
		while (true) {
			StoredCertificate now = selected(store, name);
			if (now != null && now != before) {
				return now;
			}
			if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(10)) {
				throw new AssertionError("Replica B did not select a new certificate for " + name + " in 10 s");
			}
			LockSupport.parkNanos(100_000);
		}
	}

	private static HandshakeResult handshake(SniServer replica, String name) {
		HandshakeResult result = TlsClient.trustAll().handshake(replica.port(), name, TlsVersion.TLS13);
		assertThat(result.isSuccess()).as("handshake for %s: %s", name, result).isTrue();
		return result;
	}

	private static void print(String what, List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		System.out.printf("  %-55s median %7.2f ms   p90 %7.2f ms   worst %7.2f ms%n", what,
				sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.9)) / 1e6,
				sorted.get(sorted.size() - 1) / 1e6);
	}

	private static SniServer.Builder replica(Path directory, String url, String masterKey,
			IssuedCertificate fallback) {
		directory.toFile().mkdirs();
		return SniServer.builder(directory)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.rejectUnknownNames()
			.dataSource(url)
			.property("sni.jdbc.enabled", true)
			.property("sni.jdbc.encryption.keys.fleet.value", masterKey)
			.property("logging.level.io.github.snistarter", "warn");
	}

	private static String randomMasterKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
