package io.github.snistarter.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.HttpsResponse;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The {@code application.yml} store: bundles that reload (case K13, SPEC T5/T6),
 * configuration mistakes that stop the application with a clear message, and the Host
 * check on requests.
 */
@ExtendWith(OutputCaptureExtension.class)
class BundleConfigurationTest {

	@TempDir
	Path directory;

	final TestCa ca = TestCa.shared();

	final IssuedCertificate api = this.ca.issue("api.test");

	final IssuedCertificate fallback = this.ca.issue("default.test");

	SniServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private SniServer.Builder builder() {
		return SniServer.builder(this.directory)
			.bundle("api", this.api)
			.bundle("fallback", this.fallback)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.property("spring.ssl.bundle.pem.api.reload-on-update", "true")
			.property("spring.ssl.bundle.watch.file.quiet-period", "200ms");
	}

	@Test
	void k13ReplacedBundleFilesServeTheNewCertificateWithoutRestart() {
		this.server = builder().start();
		assertThat(serialFor("api.test")).isEqualTo(this.api.serial());
		IssuedCertificate renewed = this.ca.issue("api.test");
		renewed.writePem(this.directory, "api");
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(serialFor("api.test")).isEqualTo(renewed.serial()));
		assertThat(serialFor(null)).isEqualTo(this.fallback.serial());
	}

	@Test
	void replacementThatDoesNotCoverTheNameIsRejectedAndTheOldOneKeepsServing(CapturedOutput output) {
		this.server = builder().start();
		this.ca.issue("other.test").writePem(this.directory, "api");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(output.getOut()).contains("bundle 'api' rejected")
				.contains("does not cover server name 'api.test'"));
		assertThat(serialFor("api.test")).isEqualTo(this.api.serial());
	}

	@Test
	void replacementWithMismatchedKeyIsRejectedAndTheOldOneKeepsServing(CapturedOutput output) throws Exception {
		this.server = builder().start();
		IssuedCertificate renewed = this.ca.issue("api.test");
		IssuedCertificate stranger = this.ca.issue("api.test");
		Files.writeString(this.directory.resolve("api.key"), stranger.privateKeyPem());
		Files.writeString(this.directory.resolve("api.crt"), renewed.chainPem());
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(output.getOut()).contains("bundle 'api' rejected"));
		assertThat(output.getOut()).doesNotContain("PRIVATE KEY");
		assertThat(serialFor("api.test")).isEqualTo(this.api.serial());
	}

	@Test
	void certificateThatDoesNotCoverItsMappedNameStopsTheApplication() {
		SniServer.Builder builder = builder().serve("wrong.test", "api");
		assertThatException().isThrownBy(builder::start)
			.havingRootCause()
			.withMessageContaining("bundle 'api'")
			.withMessageContaining("does not cover server name 'wrong.test'");
	}

	@Test
	void malformedPatternStopsTheApplication() {
		SniServer.Builder builder = builder().serve("a*.test", "api");
		assertThatException().isThrownBy(builder::start)
			.havingRootCause()
			.withMessageContaining("sni.server-name-bundles[1].server-name")
			.withMessageContaining("whole first label");
	}

	@Test
	void unknownBundleNameStopsTheApplication() {
		SniServer.Builder builder = builder().serve("other.test", "missing");
		assertThatException().isThrownBy(builder::start).havingRootCause().withMessageContaining("missing");
	}

	@Test
	void requestWhoseHostBelongsToAnotherCertificateIsRefused() {
		this.server = builder().rejectUnknownNames().start();
		HttpsResponse consistent = TlsClient.trustAll().httpsGet(this.server.port(), "api.test", "/", "api.test");
		assertThat(consistent.status()).isEqualTo(200);
		HttpsResponse misdirected = TlsClient.trustAll()
			.httpsGet(this.server.port(), "api.test", "/", "default.test");
		assertThat(misdirected.status()).isBetween(400, 421);
		HttpsResponse noSni = TlsClient.trustAll().httpsGet(this.server.port(), null, "/", "127.0.0.1");
		assertThat(noSni.status()).isEqualTo(200);
	}

	private java.math.BigInteger serialFor(String name) {
		HandshakeResult result = TlsClient.trustAll().handshake(this.server.port(), name, TlsVersion.TLS13);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

}
