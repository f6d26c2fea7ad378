package io.github.snistarter.server;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.RuntimeCertificates;
import io.github.snistarter.testkit.CipherSuites;
import io.github.snistarter.testkit.HandshakeOptions;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.KeyType;
import io.github.snistarter.testkit.RawClientHello;
import io.github.snistarter.testkit.RawTlsClient;
import io.github.snistarter.testkit.SignatureSchemes;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import io.github.snistarter.testkit.WireResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which certificate a name gets when several could serve it (SPEC T2), with the three
 * sources composed: SSL bundles from configuration, a directory and the runtime API.
 * Sources are merged, then ranked: valid before expired, exact before wildcard, a key
 * the client can use, the later notAfter; equal candidates go to the runtime API, then
 * the directory, then bundles.
 */
class CertificateSelectionTest {

	@TempDir
	static Path directory;

	static Path certificates;

	static final TestCa ca = TestCa.shared();

	static final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	static IssuedCertificate bundled;

	static SniServer server;

	@BeforeAll
	static void start() throws IOException {
		certificates = Files.createDirectories(directory.resolve("certificates"));
		bundled = ca.leaf("api.test").validity(now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS)).issue();
		server = SniServer.builder(directory)
			.bundle("fallback", ca.issue("default.test"))
			.bundle("api", bundled)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.rejectUnknownNames()
			.property("sni.directory.path", certificates.toString())
			.property("sni.directory.quiet-period", "200ms")
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void ecdsaOnlyClientGetsTheEcdsaCertificateAndRsaOnlyClientTheRsaOne() {
		IssuedCertificate ecdsa = ca.leaf("dual.test")
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS))
			.issue();
		IssuedCertificate rsa = ca.leaf("dual.test")
			.keyType(KeyType.RSA_2048)
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(60, ChronoUnit.DAYS))
			.issue();
		runtime().register(ecdsa.chainPem(), ecdsa.privateKeyPem());
		runtime().register(rsa.chainPem(), rsa.privateKeyPem());
		assertThat(wireSerial(RawClientHello.tls12().serverName("dual.test").signatureSchemes(SignatureSchemes.ECDSA_ONLY)))
			.isEqualTo(ecdsa.serial());
		assertThat(wireSerial(RawClientHello.tls12().serverName("dual.test").signatureSchemes(SignatureSchemes.RSA_ONLY)))
			.isEqualTo(rsa.serial());
		// A TLS 1.2 client that offers only ECDSA cipher suites cannot use the RSA key either.
		assertThat(serialFor("dual.test", TlsVersion.TLS12, HandshakeOptions.defaults()
			.cipherSuites(CipherSuites.TLS12_ECDSA))).isEqualTo(ecdsa.serial());
		assertThat(serialFor("dual.test", TlsVersion.TLS12, HandshakeOptions.defaults()
			.cipherSuites(CipherSuites.TLS12_RSA))).isEqualTo(rsa.serial());
		// A client that can use both gets the later notAfter.
		assertThat(serialFor("dual.test", TlsVersion.TLS13, HandshakeOptions.defaults())).isEqualTo(rsa.serial());
	}

	@Test
	void renewedCertificateInTheDirectoryBeatsTheBundleItOutlives() throws IOException {
		IssuedCertificate renewed = ca.leaf("api.test")
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(90, ChronoUnit.DAYS))
			.issue();
		assertThat(serialFor("api.test", TlsVersion.TLS13, HandshakeOptions.defaults())).isEqualTo(bundled.serial());
		write("api.pem", renewed);
		awaitServed("api.test", renewed.serial());
	}

	@Test
	void exactNameInOneSourceBeatsAWildcardInAnother() throws IOException {
		IssuedCertificate wildcard = ca.leaf("*.tenants.test")
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(90, ChronoUnit.DAYS))
			.issue();
		IssuedCertificate exact = ca.leaf("one.tenants.test")
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS))
			.issue();
		runtime().register(wildcard.chainPem(), wildcard.privateKeyPem());
		write("one.pem", exact);
		awaitServed("one.tenants.test", exact.serial());
		assertThat(serialFor("two.tenants.test", TlsVersion.TLS13, HandshakeOptions.defaults()))
			.isEqualTo(wildcard.serial());
	}

	@Test
	void validCertificateFromAnySourceBeatsAnExpiredOne() {
		IssuedCertificate expired = ca.leaf("api.test").expired().issue();
		runtime().register(expired.chainPem(), expired.privateKeyPem());
		assertThat(serialFor("api.test", TlsVersion.TLS13, HandshakeOptions.defaults())).isNotEqualTo(expired.serial());
	}

	@Test
	void equalCertificatesGoToTheRuntimeApiBeforeTheDirectory() throws IOException {
		Instant notAfter = now.plus(45, ChronoUnit.DAYS);
		IssuedCertificate fromFile = ca.leaf("equal.test").validity(now.minus(1, ChronoUnit.HOURS), notAfter).issue();
		IssuedCertificate fromCode = ca.leaf("equal.test").validity(now.minus(1, ChronoUnit.HOURS), notAfter).issue();
		write("equal.pem", fromFile);
		awaitServed("equal.test", fromFile.serial());
		runtime().register(fromCode.chainPem(), fromCode.privateKeyPem());
		assertThat(serialFor("equal.test", TlsVersion.TLS13, HandshakeOptions.defaults())).isEqualTo(fromCode.serial());
		assertThat(server.bean(CertificateStore.class).sources()).extracting((source) -> source.name())
			.containsExactly("runtime", "directory " + certificates.toAbsolutePath().normalize(), "bundles");
	}

	private static RuntimeCertificates runtime() {
		return server.bean(RuntimeCertificates.class);
	}

	private static void write(String name, IssuedCertificate certificate) throws IOException {
		Path temporary = certificates.resolve("." + name);
		Files.writeString(temporary, certificate.chainPem() + certificate.privateKeyPem(), StandardCharsets.US_ASCII);
		Files.move(temporary, certificates.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

	private static void awaitServed(String name, BigInteger serial) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13);
			return result.isSuccess() && result.leafCertificate().getSerialNumber().equals(serial);
		});
	}

	private static BigInteger wireSerial(RawClientHello hello) {
		WireResult result = RawTlsClient.send(server.port(), hello, Duration.ofSeconds(5));
		return result.leafCertificate().getSerialNumber();
	}

	private static BigInteger serialFor(String name, TlsVersion version, HandshakeOptions options) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, version, options);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

}
