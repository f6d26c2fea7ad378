package io.github.snistarter.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SNIHostName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the kit's clients against a plain JSSE server ({@link JdkTlsServer}) that needs no
 * project code. The server holds an EC certificate for {@code www.kit.test, *.kit.test},
 * rejects SNI names outside {@code kit.test} with {@code unrecognized_name} (accepts a
 * missing SNI) and offers ALPN {@code h2, http/1.1}.
 */
@Timeout(30)
class KitSelfCheckTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration PROMPT_CLOSE = Duration.ofSeconds(1);

	private static IssuedCertificate leaf;

	private static JdkTlsServer server;

	@BeforeAll
	static void startServer() {
		leaf = TestCa.shared().issue("www.kit.test", "*.kit.test");
		server = JdkTlsServer.start(leaf.serverSslContext(), (parameters) -> {
			parameters.setApplicationProtocols(new String[] { "h2", "http/1.1" });
			parameters.setSNIMatchers(List.of(SNIHostName.createSNIMatcher("(.*\\.)?kit\\.test")));
		});
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void tlsClientReceivesServerCertificate() {
		for (TlsVersion version : TlsVersion.values()) {
			HandshakeResult result = TlsClient.trustAll()
				.handshake(server.port(), "www.kit.test", version, HandshakeOptions.defaults().alpn("http/1.1"));
			assertThat(result.isSuccess()).as(result.toString()).isTrue();
			assertThat(result.leafCertificate()).isEqualTo(leaf.certificate());
			assertThat(result.peerChain()).containsExactly(leaf.chain());
			assertThat(result.leafDnsNames()).containsExactly("www.kit.test", "*.kit.test");
			assertThat(result.protocol()).isEqualTo(version.jdkName());
			assertThat(result.applicationProtocol()).isEqualTo("http/1.1");
			assertThat(result.resumed()).isFalse();
			assertThat(result.elapsed()).isPositive();
		}
	}

	@Test
	void alpnIsNegotiatedOnlyWhenOffered() {
		TlsClient client = TlsClient.trustAll();
		assertThat(client
			.handshake(server.port(), "www.kit.test", TlsVersion.TLS13, HandshakeOptions.defaults().alpn("h2", "http/1.1"))
			.applicationProtocol()).isEqualTo("h2");
		assertThat(client.handshake(server.port(), "www.kit.test", TlsVersion.TLS13).applicationProtocol()).isEmpty();
	}

	@Test
	void httpsGetIsServedAndNullSniSendsNoServerName() {
		HttpsResponse named = TlsClient.trustAll().httpsGet(server.port(), "api.kit.test", "/hello", null);
		assertThat(named.status()).isEqualTo(200);
		assertThat(named.body()).isEqualTo("sni=api.kit.test");
		assertThat(named.serverCertificate()).isEqualTo(leaf.certificate());
		HttpsResponse unnamed = TlsClient.trustAll()
			.httpsGet(server.port(), null, "/", "www.kit.test", TlsVersion.TLS12, HandshakeOptions.defaults());
		assertThat(unnamed.body()).isEqualTo("sni=none");
		assertThat(unnamed.handshake().sniName()).isNull();
	}

	@Test
	void unknownNameGetsUnrecognizedNameAlertFromEveryClient() {
		for (TlsVersion version : TlsVersion.values()) {
			HandshakeResult result = TlsClient.trustAll().handshake(server.port(), "shop.test", version);
			assertThat(result.outcome()).as(result.toString()).isEqualTo(HandshakeResult.Outcome.ALERT);
			assertThat(result.alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
			assertThat(result.alertLevel()).isEqualTo(TlsAlert.LEVEL_FATAL);
			assertThat(result.peerChain()).isEmpty();
		}
		WireResult wire = RawTlsClient.send(server.port(), RawClientHello.tls13().serverName("shop.test"), TIMEOUT);
		assertThat(wire.kind()).as(wire.toString()).isEqualTo(WireResult.Kind.ALERT);
		assertThat(wire.alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(wire.alertLevel()).isEqualTo(TlsAlert.LEVEL_FATAL);
		assertThat(wire.closedAfterAlert()).isNotNull().isLessThan(PROMPT_CLOSE);
	}

	@Test
	void trustStoreClientVerifiesChainAndOptionallyHostname() {
		HandshakeOptions verifyHost = HandshakeOptions.defaults().verifyHostname(true);
		TlsClient trusting = TlsClient.trusting(TestCa.shared());
		assertThat(trusting.handshake(server.port(), "www.kit.test", TlsVersion.TLS13, verifyHost).isSuccess())
			.isTrue();
		HandshakeResult wrongHost = trusting.handshake(server.port(), "a.b.kit.test", TlsVersion.TLS13, verifyHost);
		assertThat(wrongHost.outcome()).as(wrongHost.toString()).isEqualTo(HandshakeResult.Outcome.CLIENT_FAILURE);
		assertThat(trusting.handshake(server.port(), "a.b.kit.test", TlsVersion.TLS13).isSuccess()).isTrue();
		HandshakeResult otherCa = TlsClient.trusting(TestCa.create()).handshake(server.port(), "www.kit.test",
				TlsVersion.TLS12);
		assertThat(otherCa.outcome()).as(otherCa.toString()).isEqualTo(HandshakeResult.Outcome.CLIENT_FAILURE);
	}

	@Test
	void tls12CipherSuitesSelectTheCertificateKeyType() {
		HandshakeResult rsaOnly = TlsClient.trustAll().handshake(server.port(), "www.kit.test", TlsVersion.TLS12,
				HandshakeOptions.defaults().cipherSuites(CipherSuites.TLS12_RSA));
		assertThat(rsaOnly.outcome()).as(rsaOnly.toString()).isEqualTo(HandshakeResult.Outcome.ALERT);
		assertThat(rsaOnly.alert()).isEqualTo(TlsAlert.HANDSHAKE_FAILURE);
		HandshakeResult ecdsaOnly = TlsClient.trustAll().handshake(server.port(), "www.kit.test", TlsVersion.TLS12,
				HandshakeOptions.defaults().cipherSuites(CipherSuites.TLS12_ECDSA));
		assertThat(ecdsaOnly.cipherSuite()).startsWith("TLS_ECDHE_ECDSA_");
	}

	@Test
	void sameClientResumesSessionForTheSameName() {
		HandshakeOptions readTicket = HandshakeOptions.defaults().postHandshakeRead(Duration.ofMillis(100));
		for (TlsVersion version : TlsVersion.values()) {
			TlsClient client = TlsClient.trustAll();
			HandshakeResult first = client.handshake(server.port(), "www.kit.test", version, readTicket);
			HandshakeResult second = client.handshake(server.port(), "www.kit.test", version, readTicket);
			HandshakeResult otherName = client.handshake(server.port(), "api.kit.test", version, readTicket);
			assertThat(first.resumed()).as(first.toString()).isFalse();
			assertThat(second.resumed()).as(second.toString()).isTrue();
			assertThat(otherName.resumed()).as(otherName.toString()).isFalse();
		}
	}

	@Test
	void rawTls13HelloGetsServerHello() {
		WireResult result = RawTlsClient.send(server.port(), RawClientHello.tls13().serverName("www.kit.test"),
				TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.SERVER_HELLO);
		assertThat(result.serverHello().version()).isEqualTo(0x0304);
		assertThat(result.serverHello().helloRetryRequest()).isFalse();
		assertThat(CipherSuites.TLS13_CODES).contains(result.serverHello().cipherSuite());
		assertThat(result.certificates()).isEmpty();
	}

	@Test
	void rawTls12HelloGetsServerHelloAndClearTextCertificate() {
		WireResult result = RawTlsClient.send(server.port(), RawClientHello.tls12().serverName("www.kit.test"),
				TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.SERVER_HELLO);
		assertThat(result.serverHello().version()).isEqualTo(0x0303);
		assertThat(result.serverHello().serverNameAcknowledged()).isTrue();
		assertThat(result.leafCertificate()).isEqualTo(leaf.certificate());
	}

	@Test
	void rawTls12HelloWithoutCommonCipherSuiteGetsHandshakeFailure() {
		RawClientHello rsaOnly = RawClientHello.tls12()
			.serverName("www.kit.test")
			.cipherSuites(CipherSuites.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
		WireResult result = RawTlsClient.send(server.port(), rsaOnly, TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.ALERT);
		assertThat(result.alertLevel()).isEqualTo(2);
		assertThat(result.alert().code()).isEqualTo(40);
		assertThat(result.closedAfterAlert()).isNotNull().isLessThan(PROMPT_CLOSE);
	}

	@Test
	void fragmentedHelloInDelayedWritesAndHelloRetryRequest() {
		List<byte[]> records = RawClientHello.tls13().serverName("www.kit.test").toRecords(4);
		WireResult fragmented = RawTlsClient.send(server.port(), records, Duration.ofMillis(20), TIMEOUT);
		assertThat(fragmented.kind()).as(fragmented.toString()).isEqualTo(WireResult.Kind.SERVER_HELLO);
		byte[] oneRecord = RawClientHello.tls12().serverName("www.kit.test").toRecord();
		WireResult split = RawTlsClient.send(server.port(), RawClientHello.split(oneRecord, 3), Duration.ofMillis(20),
				TIMEOUT);
		assertThat(split.leafCertificate()).as(split.toString()).isEqualTo(leaf.certificate());
		RawClientHello noKeyShare = RawClientHello.tls13().serverName("www.kit.test").emptyKeyShare();
		WireResult retry = RawTlsClient.send(server.port(), noKeyShare, TIMEOUT);
		assertThat(retry.serverHello().helloRetryRequest()).as(retry.toString()).isTrue();
	}

	@Test
	void closeWithoutAlertAndTimeoutAreReported() throws Exception {
		HandshakeOptions shortTimeout = HandshakeOptions.defaults().readTimeout(Duration.ofMillis(300));
		try (SilentServer closing = new SilentServer(Duration.ZERO)) {
			assertThat(TlsClient.trustAll().handshake(closing.port(), "x.test", TlsVersion.TLS13).outcome())
				.isEqualTo(HandshakeResult.Outcome.CLOSED_WITHOUT_ALERT);
			assertThat(RawTlsClient.send(closing.port(), RawClientHello.tls13(), TIMEOUT).kind())
				.isEqualTo(WireResult.Kind.CLOSED_WITHOUT_ALERT);
		}
		try (SilentServer silent = new SilentServer(Duration.ofSeconds(3))) {
			assertThat(TlsClient.trustAll().handshake(silent.port(), "x.test", TlsVersion.TLS12, shortTimeout).outcome())
				.isEqualTo(HandshakeResult.Outcome.TIMEOUT);
			assertThat(RawTlsClient.send(silent.port(), RawClientHello.tls12(), Duration.ofMillis(300)).kind())
				.isEqualTo(WireResult.Kind.TIMEOUT);
		}
	}

	@Test
	void openSslClientParsesCertificateAlpnAndAlert() {
		OpenSslClient openssl = OpenSslClient.assumeInstalled();
		OpenSslResult ok = openssl.connect(server.port(), "www.kit.test", TlsVersion.TLS13, "h2", "http/1.1");
		assertThat(ok.handshakeCompleted()).as(ok.toString()).isTrue();
		assertThat(ok.timedOut()).isFalse();
		assertThat(ok.peerCertificate()).contains(leaf.certificate());
		assertThat(ok.alpn()).contains("h2");
		assertThat(ok.protocol()).contains("TLSv1.3");
		OpenSslResult noSni = openssl.connect(server.port(), null, TlsVersion.TLS12);
		assertThat(noSni.handshakeCompleted()).as(noSni.toString()).isTrue();
		assertThat(noSni.alpn()).isEmpty();
		OpenSslResult rejected = openssl.connect(server.port(), "shop.test", TlsVersion.TLS13);
		assertThat(rejected.alertNumber()).as(rejected.toString()).hasValue(112);
		assertThat(rejected.peerCertificate()).isEmpty();
	}

	@Test
	void openSslClientCanOfferASavedSessionUnderAnotherName(@TempDir Path dir) {
		OpenSslClient openssl = OpenSslClient.assumeInstalled();
		String session = dir.resolve("session.pem").toString();
		for (TlsVersion version : TlsVersion.values()) {
			OpenSslResult first = openssl.stdinOpenFor(Duration.ofMillis(300))
				.extraArgs("-sess_out", session)
				.connect(server.port(), "www.kit.test", version);
			assertThat(first.reused()).as(first.toString()).isFalse();
			OpenSslResult same = openssl.extraArgs("-sess_in", session).connect(server.port(), "www.kit.test", version);
			assertThat(same.reused()).as(same.toString()).isTrue();
			OpenSslResult other = openssl.extraArgs("-sess_in", session).connect(server.port(), "api.kit.test", version);
			assertThat(other.handshakeCompleted()).as(other.toString()).isTrue();
			assertThat(other.reused()).as("JSSE refuses to resume under another SNI name").isFalse();
		}
	}

	/** Accepts TCP connections and closes each after a delay, without a byte of TLS. */
	private static final class SilentServer implements AutoCloseable {

		private final ServerSocket serverSocket;

		private final Thread thread;

		SilentServer(Duration holdFor) throws IOException {
			this.serverSocket = new ServerSocket(0, 50, InetAddress.getByName(TlsClient.LOOPBACK));
			this.thread = new Thread(() -> {
				while (!this.serverSocket.isClosed()) {
					try (Socket socket = this.serverSocket.accept()) {
						Thread.sleep(holdFor.toMillis());
					}
					catch (IOException | InterruptedException ex) {
						return;
					}
				}
			}, "silent-test-server");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		@Override
		public void close() throws Exception {
			this.serverSocket.close();
			this.thread.interrupt();
			this.thread.join(5000);
		}

	}

}
