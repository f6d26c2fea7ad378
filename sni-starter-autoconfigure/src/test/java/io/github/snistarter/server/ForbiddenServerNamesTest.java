package io.github.snistarter.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches the wire for server names that RFC 6066 forbids or that are not names
 * (SPEC C8–C10; cases K6, K9, K12), read byte by byte with a raw client that crafts
 * its own ClientHello, over TLS 1.2 and TLS 1.3 hellos.
 */
class ForbiddenServerNamesTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

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
			.bundle("api", api)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.rejectUnknownNames()
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	static Stream<Arguments> forbiddenNames() {
		return Stream.of(
				Arguments.of("trailing dot (K6)", List.of(ascii("api.test.")), TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("NUL byte", List.of(ascii("api\0.test")), TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("control byte", List.of(ascii("api\u001b.test")), TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("raw UTF-8", List.of("bücher.test".getBytes(StandardCharsets.UTF_8)),
						TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("raw Latin-1", List.of("b\u00fccher.test".getBytes(StandardCharsets.ISO_8859_1)),
						TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("empty label", List.of(ascii("api..test")), TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("leading dot", List.of(ascii(".api.test")), TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("two host_name entries", List.of(ascii("api.test"), ascii("other.test")),
						TlsAlert.ILLEGAL_PARAMETER),
				Arguments.of("empty host_name", List.of(new byte[0]), TlsAlert.DECODE_ERROR),
				Arguments.of("invalid punycode (K12)", List.of(ascii("xn--zz--.test")), TlsAlert.INTERNAL_ERROR));
	}

	@ParameterizedTest(name = "{0} over TLS 1.3 hello gets {2}")
	@MethodSource("forbiddenNames")
	void forbiddenNameGetsFatalAlertOverTls13(String description, List<byte[]> names, TlsAlert expected) {
		assertFatalAlert(RawClientHello.tls13().serverNameBytes(names.toArray(byte[][]::new)), expected);
	}

	@ParameterizedTest(name = "{0} over TLS 1.2 hello gets {2}")
	@MethodSource("forbiddenNames")
	void forbiddenNameGetsFatalAlertOverTls12(String description, List<byte[]> names, TlsAlert expected) {
		assertFatalAlert(RawClientHello.tls12().serverNameBytes(names.toArray(byte[][]::new)), expected);
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void k9UnknownNameGetsAlertAndCloseWithinOneSecond(TlsVersion version) {
		RawClientHello hello = (version == TlsVersion.TLS13) ? RawClientHello.tls13() : RawClientHello.tls12();
		WireResult result = RawTlsClient.send(server.port(), hello.serverName("unknown.test"), TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.ALERT);
		assertThat(result.alertLevel()).isEqualTo(TlsAlert.LEVEL_FATAL);
		assertThat(result.alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(result.received()).as("the alert record and nothing else").hasSize(7);
		assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(1));
		assertThat(result.closedAfterAlert()).as("closed after the alert").isNotNull();
		assertThat(result.closedAfterAlert()).isLessThan(Duration.ofSeconds(1));
	}

	@ParameterizedTest
	@EnumSource(TlsVersion.class)
	void ipLiteralCountsAsNoServerNameAndGetsDefaultCertificate(TlsVersion version) {
		RawClientHello hello = (version == TlsVersion.TLS13) ? RawClientHello.tls13() : RawClientHello.tls12();
		WireResult result = RawTlsClient.send(server.port(), hello.serverName("127.0.0.1"), TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.SERVER_HELLO);
		if (version == TlsVersion.TLS12) {
			assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(fallback.serial());
		}
	}

	@Test
	void fragmentedClientHelloIsReassembledBeforeSelection() {
		List<byte[]> records = RawClientHello.tls12().serverName("api.test").toRecords(5);
		WireResult result = RawTlsClient.send(server.port(), records, Duration.ofMillis(20), TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.SERVER_HELLO);
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

	@Test
	void fragmentedClientHelloWithForbiddenNameStillGetsAlert() {
		List<byte[]> records = RawClientHello.tls13().serverName("api.test.").toRecords(3);
		WireResult result = RawTlsClient.send(server.port(), records, Duration.ofMillis(20), TIMEOUT);
		assertThat(result.kind()).as(result.toString()).isEqualTo(WireResult.Kind.ALERT);
		assertThat(result.alert()).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
	}

	@Test
	void serverStillServesAfterForbiddenNames() {
		forbiddenNames().forEach((arguments) -> RawTlsClient.send(server.port(),
				RawClientHello.tls13().serverNameBytes(((List<?>) arguments.get()[1]).toArray(byte[][]::new)), TIMEOUT));
		assertThat(TlsClient.trustAll().handshake(server.port(), "api.test", TlsVersion.TLS13).leafCertificate()
			.getSerialNumber()).isEqualTo(api.serial());
	}

	private static void assertFatalAlert(RawClientHello hello, TlsAlert expected) {
		WireResult result = RawTlsClient.send(server.port(), hello, TIMEOUT);
		assertThat(result.kind()).as("never a bare close, never a certificate: " + result)
			.isEqualTo(WireResult.Kind.ALERT);
		assertThat(result.alertLevel()).isEqualTo(TlsAlert.LEVEL_FATAL);
		assertThat(result.alert()).isEqualTo(expected);
		assertThat(result.closedAfterAlert()).as("connection closed after the alert").isNotNull();
	}

	private static byte[] ascii(String name) {
		return name.getBytes(StandardCharsets.ISO_8859_1);
	}

}
