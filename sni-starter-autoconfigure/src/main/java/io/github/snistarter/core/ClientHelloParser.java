package io.github.snistarter.core;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.snistarter.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a ClientHello handshake message body (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2)
 * and the extensions the selection needs. Every length is checked against its
 * enclosing vector; anything that does not add up is a {@code decode_error}. Rules
 * that RFC 6066 adds for server_name are enforced here too.
 */
final class ClientHelloParser {

	private static final int SERVER_NAME = 0;

	private static final int SUPPORTED_GROUPS = 10;

	private static final int SIGNATURE_ALGORITHMS = 13;

	private static final int ALPN = 16;

	private static final int SUPPORTED_VERSIONS = 43;

	private static final int HOST_NAME = 0;

	private ClientHelloParser() {
	}

	/**
	 * Parse a ClientHello.
	 * @param message the handshake message including its 4-byte header
	 * @return the parsed fields
	 * @throws TlsFormatException when the message is malformed
	 */
	static ParsedClientHello parse(byte[] message) throws TlsFormatException {
		try {
			ByteBuffer in = ByteBuffer.wrap(message);
			in.position(4);
			int legacyVersion = u16(in);
			skip(in, 32);
			vector8(in, 0, 32);
			List<Integer> cipherSuites = u16List(vector16(in, 2), "cipher_suites");
			vector8(in, 1, 255);
			Extensions extensions = new Extensions();
			if (in.hasRemaining()) {
				ByteBuffer block = vector16(in, 0);
				Set<Integer> seen = new HashSet<>();
				while (block.hasRemaining()) {
					int type = u16(block);
					ByteBuffer data = vector16(block, 0);
					if (!seen.add(type)) {
						throw new TlsFormatException(TlsAlert.ILLEGAL_PARAMETER, "Duplicate extension " + type);
					}
					extensions.read(type, data);
				}
			}
			if (in.hasRemaining()) {
				throw decodeError("Trailing bytes after ClientHello extensions");
			}
			return new ParsedClientHello(legacyVersion, extensions.hostName, cipherSuites,
					extensions.applicationProtocols, extensions.supportedVersions, extensions.signatureSchemes,
					extensions.supportedGroups);
		}
		catch (BufferUnderflowException ex) {
			throw decodeError("ClientHello shorter than its lengths say");
		}
	}

	private static final class Extensions {

		byte @Nullable [] hostName;

		List<String> applicationProtocols = List.of();

		List<Integer> supportedVersions = List.of();

		List<Integer> signatureSchemes = List.of();

		List<Integer> supportedGroups = List.of();

		void read(int type, ByteBuffer data) throws TlsFormatException {
			switch (type) {
				case SERVER_NAME -> this.hostName = readServerName(data);
				case SUPPORTED_GROUPS -> this.supportedGroups = u16List(vector16(data, 2), "supported_groups");
				case SIGNATURE_ALGORITHMS -> this.signatureSchemes = u16List(vector16(data, 2), "signature_algorithms");
				case ALPN -> this.applicationProtocols = readProtocolNames(data);
				case SUPPORTED_VERSIONS -> this.supportedVersions = u16List(vector8(data, 2, 254), "supported_versions");
				default -> data.position(data.limit());
			}
			if (data.hasRemaining()) {
				throw decodeError("Trailing bytes in extension " + type);
			}
		}

	}

	private static byte[] readServerName(ByteBuffer data) throws TlsFormatException {
		ByteBuffer list = vector16(data, 1);
		byte[] hostName = null;
		while (list.hasRemaining()) {
			int nameType = u8(list);
			ByteBuffer name = vector16(list, 1);
			if (nameType == HOST_NAME) {
				if (hostName != null) {
					throw new TlsFormatException(TlsAlert.ILLEGAL_PARAMETER, "Two host_name entries in server_name");
				}
				hostName = new byte[name.remaining()];
				name.get(hostName);
			}
		}
		if (hostName == null) {
			// RFC 6066 only defines host_name; a list without one names nothing we serve.
			return null;
		}
		return hostName;
	}

	private static List<String> readProtocolNames(ByteBuffer data) throws TlsFormatException {
		ByteBuffer list = vector16(data, 2);
		List<String> names = new ArrayList<>();
		while (list.hasRemaining()) {
			ByteBuffer name = vector8(list, 1, 255);
			byte[] bytes = new byte[name.remaining()];
			name.get(bytes);
			names.add(new String(bytes, StandardCharsets.ISO_8859_1));
		}
		return names;
	}

	private static List<Integer> u16List(ByteBuffer vector, String what) throws TlsFormatException {
		if (vector.remaining() % 2 != 0) {
			throw decodeError("Odd length for " + what);
		}
		List<Integer> values = new ArrayList<>(vector.remaining() / 2);
		while (vector.hasRemaining()) {
			values.add(u16(vector));
		}
		return values;
	}

	private static ByteBuffer vector8(ByteBuffer in, int min, int max) throws TlsFormatException {
		return slice(in, u8(in), min, max);
	}

	private static ByteBuffer vector16(ByteBuffer in, int min) throws TlsFormatException {
		return slice(in, u16(in), min, 0xffff);
	}

	private static ByteBuffer slice(ByteBuffer in, int length, int min, int max) throws TlsFormatException {
		if (length < min || length > max || length > in.remaining()) {
			throw decodeError("Vector length " + length + " out of range");
		}
		ByteBuffer slice = in.slice();
		slice.limit(length);
		in.position(in.position() + length);
		return slice;
	}

	private static void skip(ByteBuffer in, int count) {
		if (in.remaining() < count) {
			throw new BufferUnderflowException();
		}
		in.position(in.position() + count);
	}

	private static int u8(ByteBuffer in) {
		return in.get() & 0xff;
	}

	private static int u16(ByteBuffer in) {
		return in.getShort() & 0xffff;
	}

	private static TlsFormatException decodeError(String message) {
		return new TlsFormatException(TlsAlert.DECODE_ERROR, message);
	}

}
