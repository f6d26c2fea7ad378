package io.github.snistarter.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import io.github.snistarter.TlsAlert;

/**
 * Collects the TLS records that carry the ClientHello, however the client fragmented
 * them, so the selection can read the whole message and the chosen engine can be
 * given the same message afterwards. Bounded: a ClientHello larger than the limit ends
 * the handshake with {@code decode_error} instead of growing a buffer.
 */
final class ClientHelloReader {

	private static final int HEADER = 5;

	private static final int HANDSHAKE = 22;

	private static final int CLIENT_HELLO = 1;

	private static final int MAX_PLAINTEXT = 1 << 14;

	private final int maxMessageSize;

	private final byte[] recordVersion = new byte[2];

	private final ByteArrayOutputStream message = new ByteArrayOutputStream(512);

	/** The ClientHello's length from its header, -1 until the header is in. */
	private int messageLength = -1;

	ClientHelloReader(int maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Take every complete record from {@code src} until the ClientHello is complete.
	 * Bytes after the ClientHello's last record are left in {@code src}.
	 * @param src network bytes, in read mode
	 * @return {@code true} when the ClientHello is complete
	 * @throws TlsFormatException when the bytes cannot be a ClientHello
	 */
	boolean read(ByteBuffer src) throws TlsFormatException {
		while (src.remaining() >= HEADER) {
			int start = src.position();
			int type = src.get(start) & 0xff;
			int major = src.get(start + 1) & 0xff;
			int length = ((src.get(start + 3) & 0xff) << 8) | (src.get(start + 4) & 0xff);
			if (type != HANDSHAKE) {
				throw new TlsFormatException(TlsAlert.UNEXPECTED_MESSAGE, "First record is not a handshake record");
			}
			if (major != 3) {
				throw new TlsFormatException(TlsAlert.PROTOCOL_VERSION, "Not a TLS record");
			}
			if (length == 0 || length > MAX_PLAINTEXT) {
				throw new TlsFormatException(TlsAlert.DECODE_ERROR, "Record length " + length + " out of range");
			}
			if (src.remaining() < HEADER + length) {
				return false;
			}
			if (this.message.size() == 0) {
				this.recordVersion[0] = src.get(start + 1);
				this.recordVersion[1] = src.get(start + 2);
			}
			byte[] fragment = new byte[length];
			src.position(start + HEADER);
			src.get(fragment);
			this.message.write(fragment, 0, length);
			if (isComplete()) {
				return true;
			}
		}
		return false;
	}

	private boolean isComplete() throws TlsFormatException {
		int size = this.message.size();
		if (size < 4) {
			return false;
		}
		if (this.messageLength < 0) {
			// Once only: copying the message for every record costs quadratic time when a
			// client sends the ClientHello in one-byte records.
			byte[] bytes = this.message.toByteArray();
			if ((bytes[0] & 0xff) != CLIENT_HELLO) {
				throw new TlsFormatException(TlsAlert.UNEXPECTED_MESSAGE,
						"First handshake message is not a ClientHello");
			}
			int length = ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
			if (length > this.maxMessageSize) {
				throw new TlsFormatException(TlsAlert.DECODE_ERROR,
						"ClientHello of " + length + " bytes exceeds the limit");
			}
			this.messageLength = length;
		}
		if (size > 4 + this.messageLength) {
			throw new TlsFormatException(TlsAlert.UNEXPECTED_MESSAGE, "Handshake data after the ClientHello");
		}
		return size == 4 + this.messageLength;
	}

	/** The complete ClientHello message including its header. */
	byte[] message() {
		return this.message.toByteArray();
	}

	/**
	 * The ClientHello framed again in records of at most 2^14 bytes, with the record
	 * version of the first record. Record boundaries carry no meaning for a handshake
	 * message, and replaying a client's one-byte records costs a TLS library quadratic
	 * time to reassemble.
	 */
	ByteBuffer records() {
		byte[] message = this.message.toByteArray();
		int count = (message.length + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT;
		ByteBuffer records = ByteBuffer.allocate(message.length + count * HEADER);
		for (int offset = 0; offset < message.length; offset += MAX_PLAINTEXT) {
			int length = Math.min(MAX_PLAINTEXT, message.length - offset);
			records.put((byte) HANDSHAKE).put(this.recordVersion).putShort((short) length).put(message, offset, length);
		}
		return records.flip();
	}

}
