package io.github.snistarter.server;

import java.nio.file.Path;
import java.time.Duration;

import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.OpenSslClient;
import io.github.snistarter.testkit.OpenSslResult;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same rules seen by {@code openssl s_client}, a client independent of the JDK.
 * Skipped, with a message, where openssl is not installed.
 */
class OpenSslClientTest {

	@TempDir
	static Path directory;

	static IssuedCertificate api;

	static IssuedCertificate wildcard;

	static IssuedCertificate fallback;

	static SniServer server;

	@BeforeAll
	static void start() {
		OpenSslClient.assumeInstalled();
		TestCa ca = TestCa.shared();
		api = ca.issue("api.test");
		wildcard = ca.issue("*.shop.test");
		fallback = ca.issue("default.test");
		server = SniServer.builder(directory)
			.bundle("api", api)
			.bundle("wildcard", wildcard)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.serve("*.shop.test", "wildcard")
			.rejectUnknownNames()
			.property("server.http2.enabled", "true")
			.start();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void knownNameGetsItsCertificate(TlsVersion version) {
		OpenSslResult result = OpenSslClient.assumeInstalled().connect(server.port(), "api.test", version);
		assertThat(result.handshakeCompleted()).as(result.output()).isTrue();
		assertThat(result.peerCertificate()).get().extracting((c) -> c.getSerialNumber()).isEqualTo(api.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void unknownNameGetsAlert112(TlsVersion version) {
		OpenSslResult result = OpenSslClient.assumeInstalled().connect(server.port(), "unknown.test", version);
		assertThat(result.alert()).as(result.output()).contains(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(result.peerCertificate()).isEmpty();
	}

	@Test
	void trailingDotGetsIllegalParameter() {
		OpenSslResult result = OpenSslClient.assumeInstalled().connect(server.port(), "api.test.", TlsVersion.TLS13);
		assertThat(result.alert()).as(result.output()).contains(TlsAlert.ILLEGAL_PARAMETER);
	}

	@Test
	void noServerNameGetsDefaultCertificate() {
		OpenSslResult result = OpenSslClient.assumeInstalled().connect(server.port(), null, TlsVersion.TLS13);
		assertThat(result.peerCertificate()).get().extracting((c) -> c.getSerialNumber())
			.isEqualTo(fallback.serial());
	}

	@Test
	void http2IsNegotiatedThroughAlpn() {
		OpenSslResult result = OpenSslClient.assumeInstalled()
			.connect(server.port(), "api.test", TlsVersion.TLS13, "h2", "http/1.1");
		assertThat(result.alpn()).as(result.output()).contains("h2");
		assertThat(result.peerCertificate()).get().extracting((c) -> c.getSerialNumber()).isEqualTo(api.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void sessionFromOneNameIsNotResumedUnderAnother(TlsVersion version) {
		Path session = directory.resolve("session-" + version + ".pem");
		OpenSslResult first = OpenSslClient.assumeInstalled()
			.stdinOpenFor(Duration.ofMillis(300))
			.extraArgs("-sess_out", session.toString())
			.connect(server.port(), "a.shop.test", version);
		assertThat(first.handshakeCompleted()).as(first.output()).isTrue();
		OpenSslResult sameName = OpenSslClient.assumeInstalled()
			.stdinOpenFor(Duration.ofMillis(300))
			.extraArgs("-sess_in", session.toString())
			.connect(server.port(), "a.shop.test", version);
		assertThat(sameName.reused()).as("resumption works at all: " + sameName.output()).isTrue();
		OpenSslResult otherName = OpenSslClient.assumeInstalled()
			.stdinOpenFor(Duration.ofMillis(300))
			.extraArgs("-sess_in", session.toString())
			.connect(server.port(), "b.shop.test", version);
		assertThat(otherName.handshakeCompleted()).as(otherName.output()).isTrue();
		assertThat(otherName.reused()).as(otherName.output()).isFalse();
		OpenSslResult otherCertificate = OpenSslClient.assumeInstalled()
			.stdinOpenFor(Duration.ofMillis(300))
			.extraArgs("-sess_in", session.toString())
			.connect(server.port(), "api.test", version);
		assertThat(otherCertificate.reused()).as(otherCertificate.output()).isFalse();
		assertThat(otherCertificate.peerCertificate()).get().extracting((c) -> c.getSerialNumber())
			.isEqualTo(api.serial());
	}

}
