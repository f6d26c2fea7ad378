package io.github.snistarter.core;

import java.nio.ByteBuffer;

import io.github.snistarter.TlsAlert;

/**
 * A fatal alert record in clear, as a server sends it before its first handshake
 * message: content type 21, record version, length 2, level 2 (fatal), description.
 */
final class AlertRecord {

	static final int SIZE = 7;

	private AlertRecord() {
	}

	static void write(ByteBuffer dst, TlsAlert alert, int recordVersion) {
		dst.put((byte) 21);
		dst.put((byte) (recordVersion >> 8));
		dst.put((byte) recordVersion);
		dst.put((byte) 0);
		dst.put((byte) 2);
		dst.put((byte) 2);
		dst.put((byte) alert.code());
	}

}
