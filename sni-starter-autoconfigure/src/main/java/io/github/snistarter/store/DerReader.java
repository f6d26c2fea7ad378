package io.github.snistarter.store;

import java.util.Arrays;

/**
 * Reads DER elements one after the other from a part of a byte array. Strict: a tag
 * other than the expected one, an indefinite or overlong length, or an element that runs
 * past its parent fails with {@link IllegalArgumentException}, and callers then leave
 * the input to the JDK's parsers, which give the precise error.
 */
final class DerReader {

	static final int INTEGER = 0x02;

	static final int BIT_STRING = 0x03;

	static final int OCTET_STRING = 0x04;

	static final int OID = 0x06;

	static final int SEQUENCE = 0x30;

	private final byte[] data;

	private final int end;

	private int position;

	private int contentStart;

	private int contentEnd;

	DerReader(byte[] data) {
		this(data, 0, data.length);
	}

	private DerReader(byte[] data, int start, int end) {
		this.data = data;
		this.position = start;
		this.end = end;
	}

	/**
	 * A reader over the whole of {@code data}, which must be exactly one element.
	 * @param data the encoding
	 * @param tag the element's tag
	 * @return a reader over its content
	 */
	static DerReader single(byte[] data, int tag) {
		DerReader outer = new DerReader(data);
		DerReader content = outer.enter(tag);
		if (outer.hasMore()) {
			throw new IllegalArgumentException("Bytes after the element");
		}
		return content;
	}

	boolean hasMore() {
		return this.position < this.end;
	}

	/** The tag of the next element, or -1 at the end. */
	int peekTag() {
		return hasMore() ? this.data[this.position] & 0xff : -1;
	}

	/** Read the next element, which must have the tag, and return a reader over its content. */
	DerReader enter(int tag) {
		next(tag);
		return new DerReader(this.data, this.contentStart, this.contentEnd);
	}

	/** Skip the next element, which must have the tag. */
	void skip(int tag) {
		next(tag);
	}

	/** The content of the next element, which must have the tag. */
	byte[] content(int tag) {
		next(tag);
		return Arrays.copyOfRange(this.data, this.contentStart, this.contentEnd);
	}

	/** The whole encoding (tag, length and content) of the next element, which must have the tag. */
	byte[] element(int tag) {
		int start = this.position;
		next(tag);
		return Arrays.copyOfRange(this.data, start, this.contentEnd);
	}

	private void next(int tag) {
		if (this.position + 2 > this.end || (this.data[this.position] & 0xff) != tag) {
			throw new IllegalArgumentException("Expected tag " + tag);
		}
		int first = this.data[this.position + 1] & 0xff;
		int at = this.position + 2;
		int length;
		if (first < 0x80) {
			length = first;
		}
		else {
			int count = first & 0x7f;
			if (count == 0 || count > 3 || at + count > this.end) {
				throw new IllegalArgumentException("Unsupported length");
			}
			length = 0;
			for (int i = 0; i < count; i++) {
				length = (length << 8) | (this.data[at++] & 0xff);
			}
		}
		if (length > this.end - at) {
			throw new IllegalArgumentException("Element runs past its parent");
		}
		this.contentStart = at;
		this.contentEnd = at + length;
		this.position = this.contentEnd;
	}

}
