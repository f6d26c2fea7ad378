package io.github.snistarter.testkit;

import java.util.Arrays;

/**
 * Reads TLS wire structures (big-endian integers, length-prefixed vectors) from a byte
 * array; the counterpart of {@link TlsByteWriter}.
 */
public final class TlsByteReader {

	private final byte[] data;

	private int position;

	public TlsByteReader(byte[] data) {
		this.data = data;
	}

	public int u8() {
		return unsigned(1);
	}

	public int u16() {
		return unsigned(2);
	}

	public int u24() {
		return unsigned(3);
	}

	/** The next {@code length} bytes. */
	public byte[] bytes(int length) {
		require(length);
		byte[] bytes = Arrays.copyOfRange(this.data, this.position, this.position + length);
		this.position += length;
		return bytes;
	}

	/** Contents of a vector with a one-byte length prefix. */
	public byte[] vector8() {
		return bytes(u8());
	}

	/** Contents of a vector with a two-byte length prefix. */
	public byte[] vector16() {
		return bytes(u16());
	}

	/** Contents of a vector with a three-byte length prefix. */
	public byte[] vector24() {
		return bytes(u24());
	}

	public int remaining() {
		return this.data.length - this.position;
	}

	public boolean hasRemaining() {
		return remaining() > 0;
	}

	private int unsigned(int length) {
		require(length);
		int value = 0;
		for (int i = 0; i < length; i++) {
			value = (value << 8) | (this.data[this.position++] & 0xff);
		}
		return value;
	}

	private void require(int length) {
		if (length > remaining()) {
			throw new IllegalArgumentException(
					"Need " + length + " bytes at offset " + this.position + " but only " + remaining() + " remain");
		}
	}

}
