package io.github.snistarter.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import io.github.snistarter.TlsAlert;

/**
 * Collects the TLS records that carry the ClientHello, however the client fragmented
 * them, so the selection can read the whole message and the chosen engine can be
 * given the same bytes afterwards. Bounded: a ClientHello larger than the limit ends
 * the handshake with {@code decode_error} instead of growing a buffer.
 */
final class ClientHelloReader {

	private static final int HEADER = 5;

	private static final int HANDSHAKE = 22;

	private static final int CLIENT_HELLO = 1;

	private static final int MAX_PLAINTEXT = 1 << 14;

	private final int maxMessageSize;

	private final ByteArrayOutputStream records = new ByteArrayOutputStream(512);

	private final ByteArrayOutputStream message = new ByteArrayOutputStream(512);

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
			byte[] record = new byte[HEADER + length];
			src.get(record);
			this.records.write(record, 0, record.length);
			this.message.write(record, HEADER, length);
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
		byte[] bytes = this.message.toByteArray();
		if ((bytes[0] & 0xff) != CLIENT_HELLO) {
			throw new TlsFormatException(TlsAlert.UNEXPECTED_MESSAGE, "First handshake message is not a ClientHello");
		}
		int length = ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
		if (length > this.maxMessageSize) {
			throw new TlsFormatException(TlsAlert.DECODE_ERROR, "ClientHello of " + length + " bytes exceeds the limit");
		}
		if (size > 4 + length) {
			throw new TlsFormatException(TlsAlert.UNEXPECTED_MESSAGE, "Handshake data after the ClientHello");
		}
		return size == 4 + length;
	}

	/** The complete ClientHello message including its header. */
	byte[] message() {
		return this.message.toByteArray();
	}

	/** The records that carried it, exactly as received. */
	ByteBuffer records() {
		return ByteBuffer.wrap(this.records.toByteArray());
	}

}
