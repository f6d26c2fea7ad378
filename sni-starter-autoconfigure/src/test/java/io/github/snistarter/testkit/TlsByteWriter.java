package io.github.snistarter.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Builds TLS wire structures: big-endian integers and length-prefixed vectors, e.g.
 * <pre>{@code
 * byte[] alpn = new TlsByteWriter().vector16((list) -> list.vector8("h2")).toByteArray();
 * }</pre>
 */
public final class TlsByteWriter {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	public TlsByteWriter u8(int value) {
		return unsigned(value, 1);
	}

	public TlsByteWriter u16(int value) {
		return unsigned(value, 2);
	}

	public TlsByteWriter u24(int value) {
		return unsigned(value, 3);
	}

	public TlsByteWriter bytes(byte[] bytes) {
		this.out.writeBytes(bytes);
		return this;
	}

	/** A vector with a one-byte length prefix. */
	public TlsByteWriter vector8(byte[] contents) {
		return u8(contents.length).bytes(contents);
	}

	/** A vector with a one-byte length prefix holding the ASCII bytes of the text. */
	public TlsByteWriter vector8(String ascii) {
		return vector8(ascii.getBytes(StandardCharsets.US_ASCII));
	}

	/** A vector with a two-byte length prefix. */
	public TlsByteWriter vector16(byte[] contents) {
		return u16(contents.length).bytes(contents);
	}

	/** A vector with a three-byte length prefix. */
	public TlsByteWriter vector24(byte[] contents) {
		return u24(contents.length).bytes(contents);
	}

	/** A vector with a one-byte length prefix whose contents the consumer writes. */
	public TlsByteWriter vector8(Consumer<TlsByteWriter> contents) {
		return vector8(build(contents));
	}

	/** A vector with a two-byte length prefix whose contents the consumer writes. */
	public TlsByteWriter vector16(Consumer<TlsByteWriter> contents) {
		return vector16(build(contents));
	}

	/** A vector with a three-byte length prefix whose contents the consumer writes. */
	public TlsByteWriter vector24(Consumer<TlsByteWriter> contents) {
		return vector24(build(contents));
	}

	public byte[] toByteArray() {
		return this.out.toByteArray();
	}

	/** Runs the consumer on a fresh writer and returns what it wrote. */
	public static byte[] build(Consumer<TlsByteWriter> contents) {
		TlsByteWriter writer = new TlsByteWriter();
		contents.accept(writer);
		return writer.toByteArray();
	}

	private TlsByteWriter unsigned(int value, int length) {
		if (value < 0 || (length < 4 && value >= (1 << (8 * length)))) {
			throw new IllegalArgumentException(value + " does not fit in " + length + " byte(s)");
		}
		for (int shift = 8 * (length - 1); shift >= 0; shift -= 8) {
			this.out.write((value >>> shift) & 0xff);
		}
		return this;
	}

}
