package io.github.snistarter.server;

import java.nio.file.Path;

import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.HttpsResponse;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows of {@code shared/cases/sni-cases.md} that need a server with {@code api.test}
 * (certificate A) and a default certificate D, against the JDK's TLS client.
 */
class SniCasesTest {

	@TempDir
	static Path directory;

	static IssuedCertificate api;

	static IssuedCertificate fallback;

	static SniServer rejecting;

	static SniServer defaulting;

	@BeforeAll
	static void start() {
		TestCa ca = TestCa.shared();
		api = ca.issue("api.test");
		fallback = ca.issue("default.test");
		rejecting = server(directory.resolve("reject")).rejectUnknownNames().start();
		defaulting = server(directory.resolve("default")).start();
	}

	private static SniServer.Builder server(Path dir) {
		dir.toFile().mkdirs();
		return SniServer.builder(dir)
			.bundle("api", api)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.serve("api.test", "api");
	}

	@AfterAll
	static void stop() {
		rejecting.close();
		defaulting.close();
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k1UnknownNameIsRejectedWith112UnderRejectPolicy(TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(rejecting.port(), "unknown.test", version);
		assertThat(result.outcome()).isEqualTo(HandshakeResult.Outcome.ALERT);
		assertThat(result.alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k2UnknownNameGetsDefaultCertificateUnderDefaultPolicy(TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(defaulting.port(), "unknown.test", version);
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(fallback.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void knownNameGetsItsCertificate(TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(rejecting.port(), "api.test", version);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

	@Test
	void k4NoServerNameGetsDefaultCertificateAndIsServed() {
		HttpsResponse response = TlsClient.trustAll().httpsGet(rejecting.port(), null, "/", null);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("ok");
		assertThat(response.serverCertificate().getSerialNumber()).isEqualTo(fallback.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k5ServerNameMatchesCaseInsensitively(TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(rejecting.port(), "API.Test", version);
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

	@Test
	void requestForKnownNameIsServed() {
		HttpsResponse response = TlsClient.trustAll().httpsGet(rejecting.port(), "api.test", "/", null);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.serverCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

}
