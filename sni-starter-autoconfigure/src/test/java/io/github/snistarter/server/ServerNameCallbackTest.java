package io.github.snistarter.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.testkit.HandshakeOptions;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@link ServerNameCallback}: what it receives (SPEC C4), and what
 * each of its results puts on the wire (C5, C6; cases K8, K11, K12), including runtime
 * replacement (C2).
 */
class ServerNameCallbackTest {

	static final List<ClientHello> received = new CopyOnWriteArrayList<>();

	@TempDir
	static Path directory;

	static IssuedCertificate api;

	static IssuedCertificate fallback;

	static SniServer server;

	@BeforeAll
	static void start() {
		TestCa ca = TestCa.shared();
		api = ca.issue("api.test");
		fallback = ca.issue("default.test");
		server = SniServer.builder(directory)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.with(ScriptedCallbackConfiguration.class)
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@BeforeEach
	void reset() {
		received.clear();
		server.bean(ActiveServerNameCallback.class).replace(new ScriptedCallback());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void contextChosenByCallbackServesTheConnection(TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "api.test", version);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k8AccessDeniedReachesTheClientAs49(TlsVersion version) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "deny.test", version);
		assertThat(result.outcome()).isEqualTo(HandshakeResult.Outcome.ALERT);
		assertThat(result.alert()).isEqualTo(TlsAlert.ACCESS_DENIED);
	}

	@ParameterizedTest(name = "alert {0} over {1}")
	@CsvSource({ "112, TLS12", "112, TLS13", "40, TLS12", "40, TLS13", "49, TLS12", "49, TLS13", "80, TLS12",
			"80, TLS13" })
	void chosenAlertIsTheOneFatalRecordOnTheWire(int code, TlsVersion version) {
		RawClientHello hello = (version == TlsVersion.TLS13) ? RawClientHello.tls13() : RawClientHello.tls12();
		WireResult result = RawTlsClient.send(server.port(), hello.serverName("alert-" + code + ".test"),
				java.time.Duration.ofSeconds(5));
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.ALERT);
		assertThat(result.alertLevel()).isEqualTo(TlsAlert.LEVEL_FATAL);
		assertThat(result.alert().code()).isEqualTo(code);
		assertThat(result.closedAfterAlert()).isNotNull();
	}

	@Test
	void nullResultContinuesWithTheDefaultCertificate() {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "null.test", TlsVersion.TLS13);
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(fallback.serial());
	}

	@Test
	void callbackSeesTheClientHello() throws Exception {
		TlsClient.trustAll()
			.handshake(server.port(), "API.test", TlsVersion.TLS13, HandshakeOptions.defaults().alpn("h2", "http/1.1"));
		assertThat(received).hasSize(1);
		ClientHello hello = received.get(0);
		assertThat(hello.serverName()).isEqualTo("api.test");
		assertThat(hello.unicodeServerName()).isEqualTo("api.test");
		assertThat(hello.applicationProtocols()).containsExactly("h2", "http/1.1");
		assertThat(hello.protocolVersions()).startsWith("TLSv1.3");
		assertThat(hello.cipherSuites()).contains(0x1301);
		assertThat(hello.signatureSchemes()).contains(0x0403);
		assertThat(hello.supportedGroups()).isNotEmpty();
		assertThat(hello.remoteAddress()).isNotNull();
		assertThat(hello.remoteAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
		assertThat(hello.defaultContext()).isNotNull();
	}

	@Test
	void k11CallbackSeesALabelAndUnicodeForms() {
		TlsClient.trustAll().handshake(server.port(), "xn--bcher-kva.test", TlsVersion.TLS13);
		assertThat(received).extracting(ClientHello::serverName).containsExactly("xn--bcher-kva.test");
		assertThat(received).extracting(ClientHello::unicodeServerName).containsExactly("bücher.test");
	}

	@Test
	void k12InvalidPunycodeGets80WithoutCallingTheCallback() {
		WireResult result = RawTlsClient.send(server.port(), RawClientHello.tls13().serverName("xn--zz--.test"),
				java.time.Duration.ofSeconds(5));
		assertThat(result.alert()).isEqualTo(TlsAlert.INTERNAL_ERROR);
		assertThat(received).isEmpty();
	}

	@Test
	void clientWithoutSniIsSeenWithoutName() {
		TlsClient.trustAll().handshake(server.port(), null, TlsVersion.TLS12);
		assertThat(received).singleElement().satisfies((hello) -> {
			assertThat(hello.serverName()).isNull();
			assertThat(hello.unicodeServerName()).isNull();
			assertThat(hello.protocolVersions()).containsExactly("TLSv1.2");
		});
	}

	@Test
	void c2ReplacedCallbackAppliesToTheNextHandshake() {
		ActiveServerNameCallback active = server.bean(ActiveServerNameCallback.class);
		active.replace((hello) -> SniDecision.fail(io.github.snistarter.TlsAlert.ACCESS_DENIED));
		assertThat(TlsClient.trustAll().handshake(server.port(), "api.test", TlsVersion.TLS13).alert())
			.isEqualTo(TlsAlert.ACCESS_DENIED);
	}

	@Test
	void c2RemovedCallbackMeansEveryHandshakeGetsTheDefault() {
		server.bean(ActiveServerNameCallback.class).remove();
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "api.test", TlsVersion.TLS13);
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(fallback.serial());
		assertThat(TlsClient.trustAll().handshake(server.port(), "deny.test", TlsVersion.TLS13).isSuccess()).isTrue();
	}

	/** Decides by name: the rules the tests above rely on. */
	static final class ScriptedCallback implements ServerNameCallback {

		@Override
		public SniDecision select(ClientHello hello) throws Exception {
			received.add(hello);
			String name = String.valueOf(hello.serverName());
			if (name.equals("api.test")) {
				return SniDecision.use(api.serverSslContext());
			}
			if (name.equals("deny.test")) {
				return SniDecision.fail(io.github.snistarter.TlsAlert.ACCESS_DENIED);
			}
			if (name.startsWith("alert-")) {
				int code = Integer.parseInt(name.substring(6, name.indexOf('.')));
				return SniDecision.fail(io.github.snistarter.TlsAlert.ofCode(code));
			}
			if (name.equals("boom.test")) {
				throw new IllegalStateException("boom");
			}
			return null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ScriptedCallbackConfiguration {

		@Bean
		ServerNameCallback scriptedCallback() {
			return new ScriptedCallback();
		}

	}

}
