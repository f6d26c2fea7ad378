package io.github.snistarter.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RawClientHelloTest {

	@Test
	void sniExtensionCarriesTheExactBytes() {
		byte[] trailingDot = "shop.test.".getBytes(StandardCharsets.US_ASCII);
		ParsedHello hello = ParsedHello.parse(RawClientHello.tls13().serverNameBytes(trailingDot).handshakeMessage());
		// server_name_list length 13, host_name(0), length 10, bytes
		assertThat(hex(hello.extension(RawClientHello.EXT_SERVER_NAME))).isEqualTo("000d00000a" + hex(trailingDot));
	}

	@Test
	void forbiddenNamesAreSentVerbatim() {
		List<byte[]> names = List.of(new byte[0], "a..b".getBytes(StandardCharsets.US_ASCII),
				"nul\0.test".getBytes(StandardCharsets.US_ASCII), "bücher.test".getBytes(StandardCharsets.UTF_8),
				"bücher.test".getBytes(StandardCharsets.ISO_8859_1), "ctl\u0007.test".getBytes(StandardCharsets.US_ASCII));
		for (byte[] name : names) {
			byte[] data = ParsedHello.parse(RawClientHello.tls12().serverNameBytes(name).handshakeMessage())
				.extension(RawClientHello.EXT_SERVER_NAME);
			TlsByteReader list = new TlsByteReader(new TlsByteReader(data).vector16());
			assertThat(list.u8()).isZero();
			assertThat(list.vector16()).isEqualTo(name);
			assertThat(list.hasRemaining()).isFalse();
		}
		assertThat(RawClientHello.tls13().serverName("nul\0.test").serverNameExtensionData())
			.isEqualTo(RawClientHello.serverNameList("nul\0.test".getBytes(StandardCharsets.US_ASCII)));
		assertThatIllegalArgumentException().isThrownBy(() -> RawClientHello.tls13().serverName("bücher.test"));
	}

	@Test
	void twoHostNamesInOneList() {
		byte[] data = RawClientHello.tls13()
			.serverNameBytes("a.test".getBytes(StandardCharsets.US_ASCII), "b.test".getBytes(StandardCharsets.US_ASCII))
			.serverNameExtensionData();
		assertThat(hex(data)).isEqualTo("0012" + "000006" + hex("a.test") + "000006" + hex("b.test"));
	}

	@Test
	void serverNameCanBeOmittedOrDuplicated() {
		assertThat(ParsedHello.parse(RawClientHello.tls13().handshakeMessage()).types())
			.doesNotContain(RawClientHello.EXT_SERVER_NAME);
		RawClientHello hello = RawClientHello.tls13().serverName("a.test").serverName("b.test").noServerName();
		assertThat(ParsedHello.parse(hello.handshakeMessage()).types()).doesNotContain(RawClientHello.EXT_SERVER_NAME);
		byte[] second = RawClientHello.serverNameList("b.test".getBytes(StandardCharsets.US_ASCII));
		ParsedHello duplicated = ParsedHello.parse(RawClientHello.tls13()
			.serverName("a.test")
			.extension(RawClientHello.EXT_SERVER_NAME, second)
			.handshakeMessage());
		assertThat(duplicated.types().stream().filter((type) -> type == RawClientHello.EXT_SERVER_NAME)).hasSize(2);
		assertThat(duplicated.types().get(0)).isZero();
		assertThat(duplicated.extensions().get(duplicated.extensions().size() - 1).data()).isEqualTo(second);
	}

	@Test
	void tls13HelloStructure() {
		RawClientHello builder = RawClientHello.tls13().serverName("shop.test");
		ParsedHello hello = ParsedHello.parse(builder.handshakeMessage());
		assertThat(hello.legacyVersion()).isEqualTo(0x0303);
		assertThat(hello.sessionId()).hasSize(32);
		assertThat(hello.cipherSuites()).startsWith(0x1301, 0x1302).contains(0xc02b, 0xc02f);
		assertThat(hex(hello.extension(RawClientHello.EXT_SUPPORTED_VERSIONS))).isEqualTo("0403040303");
		TlsByteReader keyShares = new TlsByteReader(
				new TlsByteReader(hello.extension(RawClientHello.EXT_KEY_SHARE)).vector16());
		assertThat(keyShares.u16()).isEqualTo(RawClientHello.GROUP_X25519);
		assertThat(keyShares.vector16()).hasSize(32).isEqualTo(builder.x25519PublicKey());
		assertThat(hex(hello.extension(RawClientHello.EXT_SUPPORTED_GROUPS))).isEqualTo("0006001d00170018");
		assertThat(hex(hello.extension(RawClientHello.EXT_PSK_KEY_EXCHANGE_MODES))).isEqualTo("0101");
		assertThat(builder.handshakeMessage()).as("stable bytes").isEqualTo(builder.handshakeMessage());
		assertThat(hex(ParsedHello.parse(RawClientHello.tls13().emptyKeyShare().handshakeMessage())
			.extension(RawClientHello.EXT_KEY_SHARE))).isEqualTo("0000");
	}

	@Test
	void tls12HelloHasNoTls13Extensions() {
		ParsedHello hello = ParsedHello.parse(RawClientHello.tls12().serverName("shop.test").handshakeMessage());
		assertThat(hello.legacyVersion()).isEqualTo(0x0303);
		assertThat(hello.sessionId()).isEmpty();
		assertThat(hello.types()).doesNotContain(RawClientHello.EXT_SUPPORTED_VERSIONS, RawClientHello.EXT_KEY_SHARE,
				RawClientHello.EXT_PSK_KEY_EXCHANGE_MODES);
		assertThat(hello.cipherSuites()).doesNotContain(0x1301).contains(0xc02b);
	}

	@Test
	void alpnSignatureSchemesAndCipherSuites() {
		ParsedHello hello = ParsedHello.parse(RawClientHello.tls13()
			.alpn("h2", "http/1.1")
			.signatureSchemes(SignatureSchemes.ECDSA_ONLY)
			.cipherSuites(CipherSuites.TLS_AES_128_GCM_SHA256)
			.handshakeMessage());
		assertThat(hex(hello.extension(RawClientHello.EXT_ALPN))).isEqualTo("000c02" + hex("h2") + "08" + hex("http/1.1"));
		assertThat(hex(hello.extension(RawClientHello.EXT_SIGNATURE_ALGORITHMS))).isEqualTo("0006040305030603");
		assertThat(hello.cipherSuites()).containsExactly(0x1301);
	}

	@Test
	void singleRecord() {
		RawClientHello hello = RawClientHello.tls13().serverName("shop.test");
		byte[] message = hello.handshakeMessage();
		byte[] record = hello.toRecord();
		assertThat(hex(record)).isEqualTo("160301" + String.format("%04x", message.length) + hex(message));
		assertThat(new TlsByteReader(message).u8()).isEqualTo(RawClientHello.HANDSHAKE_CLIENT_HELLO);
	}

	@Test
	void fragmentsIntoRecordsWhosePayloadsConcatenateToTheMessage() {
		RawClientHello hello = RawClientHello.tls13().serverName("fragmented.test");
		byte[] message = hello.handshakeMessage();
		for (int count : new int[] { 1, 2, 3, 7 }) {
			List<byte[]> records = hello.toRecords(count);
			assertThat(records).hasSize(count);
			List<byte[]> payloads = new ArrayList<>();
			for (byte[] record : records) {
				TlsByteReader reader = new TlsByteReader(record);
				assertThat(reader.u8()).isEqualTo(RawClientHello.CONTENT_TYPE_HANDSHAKE);
				assertThat(reader.u16()).isEqualTo(0x0301);
				byte[] payload = reader.vector16();
				assertThat(payload).isNotEmpty();
				assertThat(reader.hasRemaining()).isFalse();
				payloads.add(payload);
			}
			assertThat(RawClientHello.concat(payloads)).isEqualTo(message);
		}
		List<byte[]> small = hello.toRecordsOfSize(40);
		assertThat(small).hasSize((message.length + 39) / 40);
		assertThat(small).allSatisfy((record) -> assertThat(record.length - 5).isLessThanOrEqualTo(40));
	}

	@Test
	void splitKeepsOrderAndSize() {
		byte[] data = HexFormat.of().parseHex("00010203040506070809");
		List<byte[]> parts = RawClientHello.split(data, 3);
		assertThat(parts).extracting((part) -> part.length).containsExactly(3, 3, 4);
		assertThat(RawClientHello.concat(parts)).isEqualTo(data);
		assertThatIllegalArgumentException().isThrownBy(() -> RawClientHello.split(data, 11));
	}

	@Test
	void byteWriterChecksRanges() {
		assertThat(new TlsByteWriter().u8(0xff).u16(0x0102).u24(0x030405).toByteArray())
			.isEqualTo(HexFormat.of().parseHex("ff0102030405"));
		assertThatIllegalArgumentException().isThrownBy(() -> new TlsByteWriter().u8(256));
		assertThatIllegalArgumentException().isThrownBy(() -> new TlsByteWriter().u16(-1));
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	private static String hex(String ascii) {
		return hex(ascii.getBytes(StandardCharsets.US_ASCII));
	}

	/** A ClientHello parsed back with {@link TlsByteReader}. */
	record ParsedHello(int legacyVersion, byte[] sessionId, List<Integer> cipherSuites, List<Ext> extensions) {

		record Ext(int type, byte[] data) {
		}

		static ParsedHello parse(byte[] message) {
			TlsByteReader handshake = new TlsByteReader(message);
			assertThat(handshake.u8()).isEqualTo(1);
			TlsByteReader body = new TlsByteReader(handshake.vector24());
			assertThat(handshake.hasRemaining()).isFalse();
			int version = body.u16();
			body.bytes(32);
			byte[] sessionId = body.vector8();
			TlsByteReader suites = new TlsByteReader(body.vector16());
			List<Integer> cipherSuites = new ArrayList<>();
			while (suites.hasRemaining()) {
				cipherSuites.add(suites.u16());
			}
			assertThat(body.vector8()).containsExactly(0);
			TlsByteReader extensions = new TlsByteReader(body.vector16());
			assertThat(body.hasRemaining()).isFalse();
			List<Ext> parsed = new ArrayList<>();
			while (extensions.hasRemaining()) {
				parsed.add(new Ext(extensions.u16(), extensions.vector16()));
			}
			return new ParsedHello(version, sessionId, cipherSuites, parsed);
		}

		List<Integer> types() {
			return this.extensions.stream().map(Ext::type).toList();
		}

		byte[] extension(int type) {
			return this.extensions.stream()
				.filter((extension) -> extension.type() == type)
				.findFirst()
				.orElseThrow(() -> new AssertionError("no extension " + type))
				.data();
		}

	}

}
