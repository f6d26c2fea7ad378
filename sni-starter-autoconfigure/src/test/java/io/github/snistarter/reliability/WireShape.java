package io.github.snistarter.reliability;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * What a server can know from the bytes a client sent before the ClientHello is
 * complete: the oracle the fuzzer judges each connection by. TLS is a stream: as long
 * as every complete record so far is a plausible start of a ClientHello and the message
 * is not complete yet, the server must wait for more bytes (bounded by the handshake
 * timeout); as soon as it has a complete ClientHello, or a record that cannot be part of
 * one, it must answer.
 * <p>
 * "Cannot be part of one" follows RFC 8446 §5.1 and the server's documented limits: a
 * record that is not a handshake record, a record version whose major byte is not 3, a
 * record length of 0 or above 2^14, a first handshake message that is not a ClientHello,
 * a ClientHello longer than 32 KiB (the JSSE default bound), or handshake bytes after the
 * ClientHello in the same flight.
 */
final class WireShape {

	static final int MAX_CLIENT_HELLO = 32768;

	private static final int MAX_FRAGMENT = 16384;

	enum Kind {

		/** The bytes end before the server can decide anything. */
		INCOMPLETE,

		/** A complete record that cannot belong to a ClientHello. */
		INVALID,

		/** A complete ClientHello message (maybe malformed inside). */
		COMPLETE

	}

	private final Kind kind;

	private final @Nullable String reason;

	private final byte @Nullable [] message;

	private WireShape(Kind kind, @Nullable String reason, byte @Nullable [] message) {
		this.kind = kind;
		this.reason = reason;
		this.message = message;
	}

	static WireShape of(byte[] stream) {
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		int position = 0;
		while (stream.length - position >= 5) {
			int type = stream[position] & 0xff;
			int major = stream[position + 1] & 0xff;
			int length = ((stream[position + 3] & 0xff) << 8) | (stream[position + 4] & 0xff);
			if (type != 22) {
				return invalid("record type " + type);
			}
			if (major != 3) {
				return invalid("record version major " + major);
			}
			if (length == 0 || length > MAX_FRAGMENT) {
				return invalid("record length " + length);
			}
			if (stream.length - position < 5 + length) {
				return new WireShape(Kind.INCOMPLETE, "inside a record", null);
			}
			message.write(stream, position + 5, length);
			position += 5 + length;
			if (message.size() >= 4) {
				byte[] bytes = message.toByteArray();
				if (bytes[0] != 1) {
					return invalid("handshake type " + (bytes[0] & 0xff));
				}
				int declared = ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
				if (declared > MAX_CLIENT_HELLO) {
					return invalid("ClientHello of " + declared + " bytes");
				}
				if (bytes.length > 4 + declared) {
					return invalid("handshake bytes after the ClientHello");
				}
				if (bytes.length == 4 + declared) {
					return new WireShape(Kind.COMPLETE, null, Arrays.copyOf(bytes, bytes.length));
				}
			}
		}
		return new WireShape(Kind.INCOMPLETE, (position == stream.length) ? "at a record boundary"
				: "inside a record header", null);
	}

	private static WireShape invalid(String reason) {
		return new WireShape(Kind.INVALID, reason, null);
	}

	Kind kind() {
		return this.kind;
	}

	@Nullable String reason() {
		return this.reason;
	}

	/** The complete ClientHello message, header included; only for {@link Kind#COMPLETE}. */
	byte[] message() {
		if (this.message == null) {
			throw new IllegalStateException("No complete ClientHello: " + this.kind);
		}
		return this.message;
	}

	/** Whether the server has enough bytes to answer. */
	boolean decidable() {
		return this.kind != Kind.INCOMPLETE;
	}

	@Override
	public String toString() {
		return this.kind + ((this.reason != null) ? " (" + this.reason + ")" : "");
	}

}
