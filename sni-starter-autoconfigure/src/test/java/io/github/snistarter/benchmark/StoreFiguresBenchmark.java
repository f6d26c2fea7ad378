package io.github.snistarter.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.DirectoryCertificates;
import io.github.snistarter.store.RuntimeCertificates;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.Pem;
import io.github.snistarter.testkit.TestCa;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints the store's figures for idle certificates: how long a folder of certificates
 * takes to load, and how much heap each one keeps while no handshake uses it. A
 * benchmark, not a test: it asserts nothing about speed and is not part of the normal
 * build (its name does not end in {@code Test}). Run it with
 * <pre>
 * ./mvnw -pl sni-starter-autoconfigure test -Dtest=StoreFiguresBenchmark -Dsni.benchmark.certificates=10000
 * cat sni-starter-autoconfigure/target/surefire-reports/*StoreFiguresBenchmark-output.txt
 * </pre>
 * Certificates are ECDSA P-256 leaves from one shared test CA, one file each (chain and
 * key), each serving two names.
 */
class StoreFiguresBenchmark {

	private static final int CERTIFICATES = Integer.getInteger("sni.benchmark.certificates", 10_000);

	private static final boolean JDK_KEYS = Boolean.getBoolean("sni.benchmark.jdk-keys");

	@TempDir
	Path directory;

	@Test
	void directoryLoadTimeAndHeapPerIdleCertificate() throws IOException {
		quietLogging();
		writeCertificates(this.directory, CERTIFICATES);
		long before = usedHeapAfterGc();
		long cpuStart = processCpuNanos();
		long start = System.nanoTime();
		DirectoryCertificates source = new DirectoryCertificates(this.directory, Duration.ofSeconds(1),
				Duration.ofHours(1), null);
		CertificateStore store = new CertificateStore(List.of(source), new CertificateContextFactory("TLS", null),
				4096, 2);
		long loadMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		long cpuMillis = Duration.ofNanos(processCpuNanos() - cpuStart).toMillis();
		long after = usedHeapAfterGc();
		assertThat(store.statistics().indexedNames()).isEqualTo(2 * CERTIFICATES);
		System.out.printf("Directory store: %d certificates (%s keys) loaded from %d files in %d ms (%d "
				+ "certificates/s; %d ms of CPU on %d processors)%n", CERTIFICATES,
				JDK_KEYS ? "JDK-encoded" : "OpenSSL-encoded", CERTIFICATES, loadMillis,
				CERTIFICATES * 1000L / Math.max(1, loadMillis), cpuMillis, Runtime.getRuntime().availableProcessors());
		System.out.printf("Directory store: %d bytes of heap retained per idle certificate (%d names, %.1f MB "
				+ "for all)%n", (after - before) / CERTIFICATES, 2 * CERTIFICATES, (after - before) / 1e6);
		store.close();
		source.close();
	}

	@Test
	void runtimeHeapPerIdleCertificate() throws IOException {
		quietLogging();
		writeCertificates(this.directory, CERTIFICATES);
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = new CertificateStore(List.of(runtime), new CertificateContextFactory("TLS", null),
				4096, 2);
		List<Path> files;
		try (var listing = Files.list(this.directory)) {
			files = listing.sorted().toList();
		}
		long before = usedHeapAfterGc();
		for (Path file : files) {
			String pem = Files.readString(file, StandardCharsets.US_ASCII);
			runtime.register(pem, pem);
		}
		long after = usedHeapAfterGc();
		assertThat(store.statistics().indexedNames()).isEqualTo(2 * CERTIFICATES);
		System.out.printf("Runtime API: %d bytes of heap retained per idle registered certificate%n",
				(after - before) / CERTIFICATES);
		store.close();
	}

	/**
	 * One PEM file per certificate, chain and key. Keys are written as OpenSSL, Go
	 * (cert-manager) and certbot write them, with the public point in the PKCS#8
	 * encoding; {@code -Dsni.benchmark.jdk-keys=true} writes them as the JDK encodes
	 * them, without it, which makes each key check an ECDSA signature and verification.
	 */
	private static void writeCertificates(Path directory, int count) {
		TestCa ca = TestCa.create();
		IntStream.range(0, count).parallel().forEach((i) -> {
			IssuedCertificate certificate = ca.issue("host-" + i + ".bench.test", "www.host-" + i + ".bench.test");
			String key = JDK_KEYS ? certificate.privateKeyPem() : opensslStyleKey(certificate);
			try {
				Files.writeString(directory.resolve("host-" + i + ".pem"), certificate.chainPem() + key,
						StandardCharsets.US_ASCII);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static String opensslStyleKey(IssuedCertificate certificate) {
		ECPrivateKey key = (ECPrivateKey) certificate.privateKey();
		try {
			ASN1BitString point = SubjectPublicKeyInfo.getInstance(certificate.certificate().getPublicKey().getEncoded())
				.getPublicKeyData();
			PrivateKeyInfo info = new PrivateKeyInfo(
					new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
					new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), point, null));
			return Pem.encode("PRIVATE KEY", info.getEncoded());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void quietLogging() {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(ch.qos.logback.classic.Level.INFO);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 4; i++) {
			System.gc();
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
