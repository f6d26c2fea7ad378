package io.github.snistarter.server;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The directory store on a running server (SPEC T5, T6): files dropped in, replaced,
 * deleted or broken while it serves, as an operator or Kubernetes would do it. The
 * store watches the folder; each test waits (a few seconds at most) until the store has
 * seen the change, then checks what the next handshake gets.
 */
@ExtendWith(OutputCaptureExtension.class)
class DirectoryStoreTest {

	private static final Duration PICKED_UP = Duration.ofSeconds(10);

	@TempDir
	static Path directory;

	static Path certificates;

	static IssuedCertificate fallback;

	static SniServer server;

	final TestCa ca = TestCa.shared();

	@BeforeAll
	static void start() throws IOException {
		certificates = Files.createDirectories(directory.resolve("certificates"));
		fallback = TestCa.shared().issue("default.test");
		server = SniServer.builder(directory)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.rejectUnknownNames()
			.property("sni.directory.path", certificates.toString())
			.property("sni.directory.quiet-period", "300ms")
			.property("sni.directory.rescan-interval", "1h")
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void fileDroppedInIsServedOnTheNextHandshake() throws IOException {
		IssuedCertificate dropped = this.ca.issue("dropped.test");
		assertThat(alertFor("dropped.test")).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		writeAtomically("dropped.pem", dropped.chainPem() + dropped.privateKeyPem());
		awaitListed(certificates.resolve("dropped.pem"), dropped.serial());
		assertThat(serialFor("dropped.test")).isEqualTo(dropped.serial());
	}

	@Test
	void replacedFileServesItsNewSerial() throws IOException {
		IssuedCertificate first = this.ca.issue("replaced.test");
		writeAtomically("replaced.pem", first.chainPem() + first.privateKeyPem());
		awaitServed("replaced.test", first.serial());
		IssuedCertificate second = this.ca.issue("replaced.test");
		writeAtomically("replaced.pem", second.chainPem() + second.privateKeyPem());
		awaitServed("replaced.test", second.serial());
	}

	@Test
	void deletedFileLeavesItsNameUnknown() throws IOException {
		IssuedCertificate deleted = this.ca.issue("deleted.test");
		writeAtomically("deleted.pem", deleted.chainPem() + deleted.privateKeyPem());
		awaitServed("deleted.test", deleted.serial());
		Files.delete(certificates.resolve("deleted.pem"));
		await().atMost(PICKED_UP).until(() -> alertFor("deleted.test") == TlsAlert.UNRECOGNIZED_NAME);
	}

	@Test
	void corruptFileIsRejectedWithTheFileNamedAndTheOldVersionKeepsServing(CapturedOutput output)
			throws IOException {
		IssuedCertificate good = this.ca.issue("corrupt.test");
		writeAtomically("corrupt.pem", good.chainPem() + good.privateKeyPem());
		awaitServed("corrupt.test", good.serial());
		Files.writeString(certificates.resolve("corrupt.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n",
				StandardCharsets.US_ASCII);
		Path file = certificates.resolve("corrupt.pem");
		await().atMost(PICKED_UP)
			.until(() -> output.getAll().contains("Certificate from file " + file + " rejected: "));
		assertThat(output.getAll().lines().filter((line) -> line.contains(file + " rejected: ")))
			.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("ERROR")
			.endsWith("the previous version keeps serving [" + file + " [corrupt.test]]");
		assertThat(serialFor("corrupt.test")).isEqualTo(good.serial());
	}

	@Test
	void keyThatDoesNotMatchIsRejectedWithTheFilesNamedAndTheOldVersionKeepsServing(CapturedOutput output)
			throws IOException {
		IssuedCertificate good = this.ca.issue("mismatch.test");
		writeAtomically("mismatch.crt", good.chainPem());
		writeAtomically("mismatch.key", good.privateKeyPem());
		awaitServed("mismatch.test", good.serial());
		IssuedCertificate renewed = this.ca.issue("mismatch.test");
		writeAtomically("mismatch.crt", renewed.chainPem());
		writeAtomically("mismatch.key", this.ca.issue("stranger.test").privateKeyPem());
		String rejection = "Certificate from files " + certificates.resolve("mismatch.crt") + ", "
				+ certificates.resolve("mismatch.key") + " rejected: the private key does not match the certificate";
		await().atMost(PICKED_UP).until(() -> output.getAll().contains(rejection));
		assertThat(serialFor("mismatch.test")).isEqualTo(good.serial());
		assertThat(store().list()).filteredOn((info) -> info.id().startsWith(certificates + "/mismatch."))
			.extracting(CertificateInfo::status)
			.containsExactly(CertificateStatus.SERVING, CertificateStatus.REJECTED);
	}

	@Test
	void kubernetesSecretUpdateIsPickedUp() throws IOException {
		// A mounted secret: files are links into ..data, itself a link to a timestamped directory
		// that the kubelet swaps atomically.
		Path secret = Files.createDirectories(certificates.resolve("k8s-secret"));
		IssuedCertificate first = this.ca.issue("k8s.test");
		Path firstData = writeSecretData(secret, "..2026_01_01_00_00_00.1", first);
		Files.createSymbolicLink(secret.resolve("..data"), firstData.getFileName());
		Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data/tls.crt"));
		Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data/tls.key"));
		awaitServed("k8s.test", first.serial());
		IssuedCertificate second = this.ca.issue("k8s.test");
		Path secondData = writeSecretData(secret, "..2026_02_01_00_00_00.2", second);
		Files.createSymbolicLink(secret.resolve("..data_tmp"), secondData.getFileName());
		Files.move(secret.resolve("..data_tmp"), secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
		Files.delete(firstData.resolve("tls.crt"));
		Files.delete(firstData.resolve("tls.key"));
		Files.delete(firstData);
		awaitServed("k8s.test", second.serial());
	}

	@Test
	void halfWrittenFileIsNeverLoaded(CapturedOutput output) throws Exception {
		IssuedCertificate slow = this.ca.issue("half.test");
		String content = slow.chainPem() + slow.privateKeyPem();
		Path file = certificates.resolve("half.pem");
		Files.writeString(file, content.substring(0, content.length() / 2), StandardCharsets.US_ASCII);
		Thread.sleep(50);
		Files.writeString(file, content, StandardCharsets.US_ASCII);
		awaitServed("half.test", slow.serial());
		assertThat(output).doesNotContain(file + " rejected");
	}

	@Test
	void renewedCertificateBesideAnExpiredOneIsServed() throws IOException {
		IssuedCertificate expired = this.ca.leaf("renewal.test").expired().issue();
		IssuedCertificate renewed = this.ca.issue("renewal.test");
		writeAtomically("renewal-2025.pem", expired.chainPem() + expired.privateKeyPem());
		writeAtomically("renewal-2026.pem", renewed.chainPem() + renewed.privateKeyPem());
		awaitListed(certificates.resolve("renewal-2025.pem"), expired.serial());
		awaitListed(certificates.resolve("renewal-2026.pem"), renewed.serial());
		assertThat(serialFor("renewal.test")).isEqualTo(renewed.serial());
		assertThat(store().list()).filteredOn((info) -> info.names().contains("renewal.test"))
			.extracting(CertificateInfo::status)
			.containsExactlyInAnyOrder(CertificateStatus.EXPIRED, CertificateStatus.SERVING);
	}

	@Test
	void expiredCertificateIsServedWhenNothingValidCoversTheName() throws IOException {
		IssuedCertificate expired = this.ca.leaf("lapsed.test").expired().issue();
		writeAtomically("lapsed.pem", expired.chainPem() + expired.privateKeyPem());
		// The client then sees an honest expiry, not a certificate for another name.
		awaitServed("lapsed.test", expired.serial());
	}

	private static Path writeSecretData(Path secret, String name, IssuedCertificate certificate) throws IOException {
		Path data = Files.createDirectories(secret.resolve(name));
		Files.writeString(data.resolve("tls.crt"), certificate.chainPem(), StandardCharsets.US_ASCII);
		Files.writeString(data.resolve("tls.key"), certificate.privateKeyPem(), StandardCharsets.US_ASCII);
		return data;
	}

	/** Writes a hidden temporary file and renames it into place, as careful tools do. */
	private static void writeAtomically(String name, String content) throws IOException {
		Path temporary = certificates.resolve("." + name + ".tmp");
		Files.writeString(temporary, content, StandardCharsets.US_ASCII);
		Files.move(temporary, certificates.resolve(name), StandardCopyOption.ATOMIC_MOVE);
	}

	private static void awaitListed(Path file, BigInteger serial) {
		await().atMost(PICKED_UP)
			.until(() -> store().list()
				.stream()
				.anyMatch((info) -> info.id().equals(file.toString())
						&& serial.toString(16).equals(info.serialNumber())));
	}

	private static void awaitServed(String name, BigInteger serial) {
		await().atMost(PICKED_UP).until(() -> {
			HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13);
			return result.isSuccess() && result.leafCertificate().getSerialNumber().equals(serial);
		});
	}

	private static BigInteger serialFor(String name) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

	private static TlsAlert alertFor(String name) {
		return TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13).alert();
	}

	private static CertificateStore store() {
		return server.bean(CertificateStore.class);
	}

}
