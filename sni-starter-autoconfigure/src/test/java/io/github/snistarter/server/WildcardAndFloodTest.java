package io.github.snistarter.server;

import java.nio.file.Path;
import java.util.UUID;

import io.github.snistarter.testkit.HandshakeResult;
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
 * Matching rules (SPEC T2, T4; cases K3, K10) with a wildcard and an exact certificate
 * under the reject policy.
 */
class WildcardAndFloodTest {

	@TempDir
	static Path directory;

	static IssuedCertificate wildcard;

	static IssuedCertificate www;

	static IssuedCertificate api;

	static SniServer server;

	@BeforeAll
	static void start() {
		TestCa ca = TestCa.shared();
		wildcard = ca.issue("*.shop.test");
		www = ca.issue("www.shop.test");
		api = ca.issue("api.test");
		server = SniServer.builder(directory)
			.bundle("wildcard", wildcard)
			.bundle("www", www)
			.bundle("api", api)
			.serverBundle("api")
			.serve("*.shop.test", "wildcard")
			.serve("www.shop.test", "www")
			.serve("api.test", "api")
			.rejectUnknownNames()
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k3ExactNameBeatsWildcard(TlsVersion version) {
		assertThat(serialFor("www.shop.test", version)).isEqualTo(www.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k3WildcardCoversOneLabel(TlsVersion version) {
		assertThat(serialFor("x.shop.test", version)).isEqualTo(wildcard.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k3WildcardDoesNotCoverTwoLabels(TlsVersion version) {
		assertThat(TlsClient.trustAll().handshake(server.port(), "a.b.shop.test", version).alert())
			.isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k3WildcardDoesNotCoverItsParent(TlsVersion version) {
		assertThat(TlsClient.trustAll().handshake(server.port(), "shop.test", version).alert())
			.isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
	}

	@Test
	void k10RandomUnknownNamesAreAllRejectedAndKnownNamesStillServed() {
		TlsClient client = TlsClient.trustAll();
		for (int i = 0; i < 200; i++) {
			String name = UUID.randomUUID().toString().substring(0, 12) + ".test";
			HandshakeResult result = client.handshake(server.port(), name, (i % 2 == 0) ? TlsVersion.TLS13
					: TlsVersion.TLS12);
			assertThat(result.alert()).as(name).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		}
		assertThat(serialFor("api.test", TlsVersion.TLS13)).isEqualTo(api.serial());
	}

	private static java.math.BigInteger serialFor(String name, TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, version);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

}
