package io.github.snistarter.server;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import io.github.snistarter.testkit.HandshakeOptions;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import io.github.snistarter.testkit.TrustAllTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A selected context keeps the connector's TLS policy (SPEC S1), sessions never cross
 * names (S2), and a name's context is reused across handshakes (S3).
 */
class SelectedContextPolicyTest {

	private static final HandshakeOptions READ_TICKETS = HandshakeOptions.defaults()
		.postHandshakeRead(Duration.ofMillis(200));

	@TempDir
	Path directory;

	final TestCa ca = TestCa.shared();

	final IssuedCertificate api = this.ca.issue("api.test");

	final IssuedCertificate wildcard = this.ca.issue("*.shop.test");

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
			.bundle("wildcard", this.wildcard)
			.bundle("fallback", this.fallback)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.serve("*.shop.test", "wildcard");
	}

	@Test
	void connectorProtocolsApplyToSelectedContext() {
		this.server = builder().property("spring.ssl.bundle.pem.fallback.options.enabled-protocols", "TLSv1.3")
			.start();
		HandshakeResult tls12 = TlsClient.trustAll().handshake(this.server.port(), "api.test", TlsVersion.TLS12);
		assertThat(tls12.outcome()).as(tls12.toString()).isEqualTo(HandshakeResult.Outcome.ALERT);
		assertThat(tls12.alert()).isEqualTo(TlsAlert.PROTOCOL_VERSION);
		HandshakeResult tls13 = TlsClient.trustAll().handshake(this.server.port(), "api.test", TlsVersion.TLS13);
		assertThat(tls13.leafCertificate().getSerialNumber()).isEqualTo(this.api.serial());
	}

	@Test
	void connectorCipherSuitesApplyToSelectedContext() {
		String only = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
		this.server = builder().property("spring.ssl.bundle.pem.fallback.options.ciphers", only).start();
		HandshakeResult result = TlsClient.trustAll().handshake(this.server.port(), "api.test", TlsVersion.TLS12);
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(this.api.serial());
		assertThat(result.cipherSuite()).isEqualTo(only);
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void connectorClientAuthAndTrustApplyToSelectedContext(TlsVersion version) throws Exception {
		this.server = builder().property("server.ssl.client-auth", "need")
			.property("spring.ssl.bundle.pem.fallback.truststore.certificate",
					"file:" + this.ca.writeCertificatePem(this.directory.resolve("ca.crt")))
			.start();
		// TLS 1.3 clients finish before the server checks their certificate: read for the verdict.
		HandshakeResult withoutCertificate = TlsClient.trustAll()
			.handshake(this.server.port(), "api.test", version, READ_TICKETS);
		assertThat(withoutCertificate.isSuccess()).as(withoutCertificate.toString()).isFalse();
		HandshakeResult withCertificate = TlsClient.using(clientContext(this.ca.issue("client.test")))
			.handshake(this.server.port(), "api.test", version, READ_TICKETS);
		assertThat(withCertificate.isSuccess()).as(withCertificate.toString()).isTrue();
		assertThat(withCertificate.leafCertificate().getSerialNumber()).isEqualTo(this.api.serial());
		HandshakeResult untrusted = TlsClient.using(clientContext(TestCa.create().issue("client.test")))
			.handshake(this.server.port(), "api.test", version, READ_TICKETS);
		assertThat(untrusted.isSuccess()).as(untrusted.toString()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void http2IsNegotiatedWithSelectedContext(TlsVersion version) {
		this.server = builder().property("server.http2.enabled", "true").start();
		HandshakeResult result = TlsClient.trustAll()
			.handshake(this.server.port(), "api.test", version, HandshakeOptions.defaults().alpn("h2", "http/1.1"));
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(this.api.serial());
		assertThat(result.applicationProtocol()).isEqualTo("h2");
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void sessionIsResumedForTheSameNameSoItsContextIsReused(TlsVersion version) {
		// Resumption under another name is tested with openssl (OpenSslClientTest): the JDK
		// client never offers a session cached for one name to another.
		this.server = builder().start();
		TlsClient client = TlsClient.trustAll();
		HandshakeResult first = client.handshake(this.server.port(), "a.shop.test", version, READ_TICKETS);
		HandshakeResult sameName = client.handshake(this.server.port(), "a.shop.test", version, READ_TICKETS);
		HandshakeResult sameCertificateOtherName = client.handshake(this.server.port(), "b.shop.test", version,
				READ_TICKETS);
		HandshakeResult otherCertificate = client.handshake(this.server.port(), "api.test", version, READ_TICKETS);
		assertThat(first.resumed()).isFalse();
		assertThat(sameName.resumed()).as("the context is reused, so its session cache is too: " + sameName)
			.isTrue();
		assertThat(sameCertificateOtherName.resumed()).as(sameCertificateOtherName.toString()).isFalse();
		assertThat(sameCertificateOtherName.leafCertificate().getSerialNumber()).isEqualTo(this.wildcard.serial());
		assertThat(otherCertificate.resumed()).as(otherCertificate.toString()).isFalse();
		assertThat(otherCertificate.leafCertificate().getSerialNumber()).isEqualTo(this.api.serial());
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void sessionWithoutSniIsNotResumedForAName(TlsVersion version) {
		this.server = builder().start();
		TlsClient client = TlsClient.trustAll();
		client.handshake(this.server.port(), null, version, READ_TICKETS);
		HandshakeResult named = client.handshake(this.server.port(), "default.test", version, READ_TICKETS);
		assertThat(named.resumed()).as(named.toString()).isFalse();
	}

	private static SSLContext clientContext(IssuedCertificate certificate) throws Exception {
		char[] password = "secret".toCharArray();
		KeyStore keyStore = certificate.keyStore("client", password);
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keyStore, password);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), new javax.net.ssl.TrustManager[] { TrustAllTrustManager.INSTANCE },
				null);
		return context;
	}

}
