package io.github.snistarter.reliability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Where the parts of a ClientHello handshake message are (RFC 8446 §4.1.2, RFC 5246
 * §7.4.1.2, RFC 6066 §3, RFC 7301), written from the RFCs for the test side only: the
 * fuzzer uses it to find every length field and extension to mutate, and to tell whether
 * a mutated message is still well formed, which is the only case the server may answer
 * with a ServerHello.
 * <p>
 * Well formed means: every vector fits its enclosing vector exactly, no extension type
 * appears twice, and the extensions the server itself reads (server_name, ALPN,
 * supported_groups, signature_algorithms, supported_versions) have consistent contents.
 * Extensions only the TLS library reads (key_share, ...) are not judged: the library may
 * refuse them, which is an alert, never a ServerHello of ours.
 */
final class HelloLayout {

	static final int SERVER_NAME = 0;

	static final int SUPPORTED_GROUPS = 10;

	static final int EC_POINT_FORMATS = 11;

	static final int SIGNATURE_ALGORITHMS = 13;

	static final int ALPN = 16;

	static final int SUPPORTED_VERSIONS = 43;

	static final int PSK_KEY_EXCHANGE_MODES = 45;

	static final int KEY_SHARE = 51;

	/**
	 * A length prefix.
	 * @param name what it measures
	 * @param offset where the prefix starts in the message
	 * @param width its size in bytes (1, 2 or 3)
	 * @param end where the vector it measures ends (the vector starts at offset + width)
	 */
	record LengthField(String name, int offset, int width, int end) {

		int start() {
			return this.offset + this.width;
		}

		int max() {
			return (1 << (8 * this.width)) - 1;
		}

	}

	/** An extension: type at {@code offset}, its data at {@code dataOffset}. */
	record Extension(int type, int offset, int dataOffset, int dataLength) {
	}

	private final List<LengthField> lengthFields = new ArrayList<>();

	private final List<Extension> extensions = new ArrayList<>();

	private final List<byte[]> hostNames = new ArrayList<>();

	private boolean hasServerName;

	private @Nullable String problem;

	private int hostNameOffset = -1;

	private int hostNameLength;

	private HelloLayout() {
	}

	/** Parse a handshake message (4-byte header included), well formed or not. */
	static HelloLayout of(byte[] message) {
		HelloLayout layout = new HelloLayout();
		try {
			layout.parse(new Cursor(message, 0, message.length));
		}
		catch (Malformed ex) {
			layout.problem = ex.getMessage();
		}
		return layout;
	}

	/** {@code null} when well formed, else the first problem found. */
	@Nullable String problem() {
		return this.problem;
	}

	boolean isWellFormed() {
		return this.problem == null;
	}

	/** Every length field found before the first problem, outermost first. */
	List<LengthField> lengthFields() {
		return this.lengthFields;
	}

	List<Extension> extensions() {
		return this.extensions;
	}

	boolean hasServerName() {
		return this.hasServerName;
	}

	/** The host_name entries of the server_name extension. */
	List<byte[]> hostNames() {
		return this.hostNames;
	}

	/** Offset of the first host_name's bytes, -1 when there is none. */
	int hostNameOffset() {
		return this.hostNameOffset;
	}

	int hostNameLength() {
		return this.hostNameLength;
	}

	/** The length fields whose vector contains the whole range [from, to). */
	List<LengthField> enclosing(int from, int to) {
		return this.lengthFields.stream().filter((field) -> field.start() <= from && to <= field.end()).toList();
	}

	private void parse(Cursor in) {
		if (in.u8("msg_type") != 1) {
			throw new Malformed("not a ClientHello");
		}
		Cursor body = in.vector("handshake", 3, this);
		in.end("handshake message");
		body.skip(2, "legacy_version");
		body.skip(32, "random");
		Cursor session = body.vector("legacy_session_id", 1, this);
		if (session.remaining() > 32) {
			throw new Malformed("session id longer than 32");
		}
		Cursor suites = body.vector("cipher_suites", 2, this);
		if (suites.remaining() < 2 || suites.remaining() % 2 != 0) {
			throw new Malformed("cipher_suites length " + suites.remaining());
		}
		Cursor compression = body.vector("legacy_compression_methods", 1, this);
		if (compression.remaining() < 1) {
			throw new Malformed("no compression method");
		}
		if (body.remaining() == 0) {
			return;
		}
		Cursor block = body.vector("extensions", 2, this);
		body.end("ClientHello");
		Set<Integer> seen = new HashSet<>();
		while (block.remaining() > 0) {
			int offset = block.position();
			int type = block.u16("extension type");
			Cursor data = block.vector("extension " + type, 2, this);
			this.extensions.add(new Extension(type, offset, data.position(), data.remaining()));
			if (!seen.add(type)) {
				throw new Malformed("duplicate extension " + type);
			}
			readExtension(type, data);
		}
	}

	private void readExtension(int type, Cursor data) {
		switch (type) {
			case SERVER_NAME -> readServerName(data);
			case ALPN -> {
				Cursor list = data.vector("ALPN list", 2, this);
				data.end("ALPN");
				if (list.remaining() == 0) {
					throw new Malformed("empty ALPN list");
				}
				while (list.remaining() > 0) {
					if (list.vector("ALPN protocol", 1, this).remaining() == 0) {
						throw new Malformed("empty ALPN protocol");
					}
				}
			}
			case SUPPORTED_GROUPS, SIGNATURE_ALGORITHMS -> {
				Cursor list = data.vector("list of extension " + type, 2, this);
				data.end("extension " + type);
				if (list.remaining() < 2 || list.remaining() % 2 != 0) {
					throw new Malformed("extension " + type + " list length " + list.remaining());
				}
			}
			case SUPPORTED_VERSIONS -> {
				Cursor list = data.vector("supported_versions list", 1, this);
				data.end("supported_versions");
				if (list.remaining() < 2 || list.remaining() % 2 != 0) {
					throw new Malformed("supported_versions length " + list.remaining());
				}
			}
			case KEY_SHARE -> {
				// Length fields only, for mutation; the TLS library judges the contents.
				try {
					Cursor list = data.vector("key_share list", 2, this);
					while (list.remaining() > 0) {
						list.skip(2, "group");
						list.vector("key_exchange", 2, this);
					}
				}
				catch (Malformed ex) {
					// not ours to judge
				}
			}
			case EC_POINT_FORMATS, PSK_KEY_EXCHANGE_MODES -> {
				try {
					data.vector("list of extension " + type, 1, this);
				}
				catch (Malformed ex) {
					// not ours to judge
				}
			}
			default -> {
			}
		}
	}

	private void readServerName(Cursor data) {
		this.hasServerName = true;
		Cursor list = data.vector("server_name_list", 2, this);
		data.end("server_name");
		if (list.remaining() == 0) {
			throw new Malformed("empty server_name_list");
		}
		while (list.remaining() > 0) {
			int nameType = list.u8("name_type");
			Cursor name = list.vector("host_name", 2, this);
			if (nameType == 0) {
				if (this.hostNameOffset < 0) {
					this.hostNameOffset = name.position();
					this.hostNameLength = name.remaining();
				}
				this.hostNames.add(name.rest());
			}
		}
	}

	/** A structural problem; cheap because it is expected for most mutated messages. */
	private static final class Malformed extends RuntimeException {

		Malformed(String message) {
			super(message, null, false, false);
		}

	}

	/** Reads one vector of the message, knowing where it is. */
	private static final class Cursor {

		private final byte[] data;

		private int position;

		private final int end;

		Cursor(byte[] data, int position, int end) {
			this.data = data;
			this.position = position;
			this.end = end;
		}

		int position() {
			return this.position;
		}

		int remaining() {
			return this.end - this.position;
		}

		int u8(String what) {
			need(1, what);
			return this.data[this.position++] & 0xff;
		}

		int u16(String what) {
			need(2, what);
			int value = ((this.data[this.position] & 0xff) << 8) | (this.data[this.position + 1] & 0xff);
			this.position += 2;
			return value;
		}

		void skip(int count, String what) {
			need(count, what);
			this.position += count;
		}

		Cursor vector(String name, int width, HelloLayout layout) {
			int offset = this.position;
			need(width, name + " length");
			int length = 0;
			for (int i = 0; i < width; i++) {
				length = (length << 8) | (this.data[this.position++] & 0xff);
			}
			if (length > remaining()) {
				throw new Malformed(name + " length " + length + " exceeds the " + remaining() + " bytes left");
			}
			layout.lengthFields.add(new LengthField(name, offset, width, this.position + length));
			Cursor vector = new Cursor(this.data, this.position, this.position + length);
			this.position += length;
			return vector;
		}

		byte[] rest() {
			byte[] rest = new byte[remaining()];
			System.arraycopy(this.data, this.position, rest, 0, rest.length);
			this.position = this.end;
			return rest;
		}

		void end(String what) {
			if (remaining() != 0) {
				throw new Malformed(remaining() + " bytes after " + what);
			}
		}

		private void need(int count, String what) {
			if (remaining() < count) {
				throw new Malformed("no room for " + what);
			}
		}

	}

}
