package io.github.snistarter.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Alert table, HTTP response parsing and {@code s_client} output parsing. */
class TlsCodesTest {

	@Test
	void alertsByCodeAndName() {
		assertThat(TlsAlert.of(112)).isSameAs(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(TlsAlert.byName("handshake_failure")).contains(TlsAlert.HANDSHAKE_FAILURE);
		assertThat(TlsAlert.HANDSHAKE_FAILURE.code()).isEqualTo(40);
		assertThat(TlsAlert.of(200).name()).isEqualTo("unknown(200)");
		assertThat(TlsAlert.byName("no_such_alert")).isEmpty();
		assertThat(TlsAlert.all()).extracting(TlsAlert::code).doesNotHaveDuplicates().isSorted();
		assertThat(TlsAlert.all()).extracting(TlsAlert::code)
			.contains(0, 10, 20, 40, 42, 46, 47, 48, 49, 50, 51, 70, 71, 80, 90, 109, 110, 112, 116, 120);
	}

	@Test
	void parsesChunkedAndFixedLengthResponses() {
		HandshakeResult handshake = HandshakeResult.failure(HandshakeResult.Outcome.TIMEOUT, null, Duration.ZERO,
				null, 0, new RuntimeException());
		HttpsResponse chunked = HttpsResponse.parse(
				bytes("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\nX-Sni: a\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n"),
				handshake);
		assertThat(chunked.status()).isEqualTo(200);
		assertThat(chunked.body()).isEqualTo("hello world");
		assertThat(chunked.header("x-SNI")).isEqualTo("a");
		HttpsResponse fixed = HttpsResponse.parse(bytes("HTTP/1.1 421 Misdirected Request\r\nContent-Length: 2\r\n\r\nnoEXTRA"),
				handshake);
		assertThat(fixed.status()).isEqualTo(421);
		assertThat(fixed.body()).isEqualTo("no");
	}

	@Test
	void parsesOpenSslOutput() {
		String pem = TestCa.shared().issue("openssl.test").chainPem();
		OpenSslResult success = new OpenSslResult(List.of("openssl"), 0, false, Duration.ZERO,
				"CONNECTED(00000003)\n---\nCertificate chain\n 0 s:CN = openssl.test\n" + pem
						+ "---\nNew, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\nALPN protocol: h2\n"
						+ "Verify return code: 19 (self-signed certificate in certificate chain)\n");
		assertThat(success.handshakeCompleted()).isTrue();
		assertThat(success.protocol()).contains("TLSv1.3");
		assertThat(success.alpn()).contains("h2");
		assertThat(success.reused()).isFalse();
		assertThat(success.peerChain()).hasSize(2);
		assertThat(IssuedCertificate.dnsNames(success.peerCertificate().orElseThrow())).containsExactly("openssl.test");
		assertThat(success.alertNumber()).isEmpty();
		assertThat(success.verifyReturnCode()).hasValue(19);

		OpenSslResult alert = new OpenSslResult(List.of("openssl"), 1, false, Duration.ZERO,
				"40A7:error:0A000458:SSL routines:ssl3_read_bytes:tlsv1 unrecognized name:"
						+ "../ssl/record/rec_layer_s3.c:1601:SSL alert number 112\nCONNECTED(00000003)\n"
						+ "no peer certificate available\nNew, (NONE), Cipher is (NONE)\nNo ALPN negotiated\n");
		assertThat(alert.alertNumber()).hasValue(112);
		assertThat(alert.alert()).contains(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(alert.handshakeCompleted()).isFalse();
		assertThat(alert.protocol()).isEmpty();
		assertThat(alert.alpn()).isEmpty();
		assertThat(alert.peerCertificate()).isEmpty();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
