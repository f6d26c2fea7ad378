package io.github.snistarter.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.InvalidCertificateException;
import io.github.snistarter.store.KeyAlgorithm;
import io.github.snistarter.store.RuntimeCertificates;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Certificates registered from application code while the server runs (SPEC T5, T6):
 * the very next handshake sees a registration, replacement or removal, with no waiting.
 */
class RuntimeCertificatesTest {

	@TempDir
	static Path directory;

	static SniServer server;

	static RuntimeCertificates runtime;

	final TestCa ca = TestCa.shared();

	@BeforeAll
	static void start() {
		server = SniServer.builder(directory)
			.bundle("fallback", TestCa.shared().issue("default.test"))
			.serverBundle("fallback")
			.rejectUnknownNames()
			.start();
		runtime = server.bean(RuntimeCertificates.class);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void registeredCertificateIsServedOnTheNextHandshakeEvenRightAfterTheNameWasRefused() {
		IssuedCertificate registered = this.ca.issue("registered.test");
		assertThat(alertFor("registered.test")).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		CertificateInfo info = runtime.register(registered.chainPem(), registered.privateKeyPem());
		assertThat(serialFor("registered.test")).isEqualTo(registered.serial());
		assertThat(info.names()).containsExactly("registered.test");
		assertThat(info.status()).isEqualTo(CertificateStatus.SERVING);
	}

	@Test
	void replacedCertificateServesNewHandshakesWhileOpenConnectionsKeepTheirs() throws IOException {
		IssuedCertificate first = this.ca.issue("kept.test");
		CertificateInfo registered = runtime.register(first.chainPem(), first.privateKeyPem());
		try (SSLSocket open = connect("kept.test")) {
			assertThat(serialOf(open)).isEqualTo(first.serial());
			IssuedCertificate second = this.ca.issue("kept.test");
			runtime.replace(registered.id(), second.chainPem(), second.privateKeyPem());
			assertThat(serialFor("kept.test")).isEqualTo(second.serial());
			assertThat(get(open, "kept.test")).startsWith("HTTP/1.1 200").endsWith("ok");
			assertThat(serialOf(open)).isEqualTo(first.serial());
		}
	}

	@Test
	void removedCertificateLeavesItsNameUnknown() {
		IssuedCertificate removed = this.ca.issue("removed.test");
		CertificateInfo registered = runtime.register(removed.chainPem(), removed.privateKeyPem());
		assertThat(serialFor("removed.test")).isEqualTo(removed.serial());
		assertThat(runtime.remove(registered.id())).isTrue();
		assertThat(alertFor("removed.test")).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(runtime.remove(registered.id())).isFalse();
	}

	@Test
	void keyStoreEntryIsAccepted() {
		IssuedCertificate rsa = this.ca.issue(io.github.snistarter.testkit.KeyType.RSA_2048, "entry.test");
		CertificateInfo info = runtime.register(new KeyStore.PrivateKeyEntry(rsa.privateKey(), rsa.chain()));
		assertThat(info.keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA);
		assertThat(serialFor("entry.test")).isEqualTo(rsa.serial());
	}

	@Test
	void keyThatDoesNotMatchIsRefusedWithTheReasonAndThePreviousCertificateKeepsServing() {
		IssuedCertificate good = this.ca.issue("refused.test");
		CertificateInfo registered = runtime.register(good.chainPem(), good.privateKeyPem());
		IssuedCertificate stranger = this.ca.issue("stranger.test");
		String strangerKey = stranger.privateKeyPem();
		assertThatExceptionOfType(InvalidCertificateException.class)
			.isThrownBy(() -> runtime.replace(registered.id(), this.ca.issue("refused.test").chainPem(), strangerKey))
			.withMessage("Certificate from runtime registration " + registered.id()
					+ " rejected: the private key does not match the certificate")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(base64Of(strangerKey).substring(0, 16)));
		assertThat(serialFor("refused.test")).isEqualTo(good.serial());
	}

	@Test
	void certificateWithoutHostNamesIsRefused() {
		IssuedCertificate legacy = this.ca.leaf("legacy.test").withoutSubjectAltNames().issue();
		assertThatExceptionOfType(InvalidCertificateException.class)
			.isThrownBy(() -> runtime.register(legacy.chainPem(), legacy.privateKeyPem()))
			.withMessageContaining("names no DNS host");
	}

	@Test
	void listingShowsRegisteredCertificatesWithoutKeyMaterial() {
		IssuedCertificate listed = this.ca.issue("listed.test", "*.listed.test");
		CertificateInfo registered = runtime.register(listed.chainPem(), listed.privateKeyPem());
		assertThat(runtime.list()).filteredOn((info) -> info.id().equals(registered.id()))
			.singleElement()
			.satisfies((info) -> {
				assertThat(info.source()).isEqualTo("runtime");
				assertThat(info.names()).containsExactly("listed.test", "*.listed.test");
				assertThat(info.serialNumber()).isEqualTo(listed.serial().toString(16));
				assertThat(info.sha256Fingerprint()).hasSize(64);
				assertThat(info.toString()).doesNotContain(base64Of(listed.privateKeyPem()).substring(0, 16));
			});
	}

	private static SSLSocket connect(String serverName) throws IOException {
		SSLSocket socket = (SSLSocket) TlsClient.trustAll()
			.sslContext()
			.getSocketFactory()
			.createSocket(TlsClient.LOOPBACK, server.port());
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setServerNames(List.of(new SNIHostName(serverName)));
		parameters.setProtocols(new String[] { "TLSv1.3" });
		socket.setSSLParameters(parameters);
		socket.setSoTimeout(5000);
		socket.startHandshake();
		return socket;
	}

	private static BigInteger serialOf(SSLSocket socket) throws IOException {
		return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
	}

	private static String get(SSLSocket socket, String host) throws IOException {
		socket.getOutputStream()
			.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		in.transferTo(response);
		return response.toString(StandardCharsets.US_ASCII).trim();
	}

	private static BigInteger serialFor(String name) {
		HandshakeResult result = TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		return result.leafCertificate().getSerialNumber();
	}

	private static TlsAlert alertFor(String name) {
		return TlsClient.trustAll().handshake(server.port(), name, TlsVersion.TLS13).alert();
	}

	private static String base64Of(String pem) {
		String body = pem.lines().filter((line) -> !line.startsWith("-----")).reduce("", String::concat);
		Base64.getDecoder().decode(body);
		return body;
	}

}
