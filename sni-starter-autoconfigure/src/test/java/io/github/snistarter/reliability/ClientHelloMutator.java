package io.github.snistarter.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.github.snistarter.testkit.RawClientHello;
import org.jspecify.annotations.Nullable;

/**
 * Turns valid ClientHellos into hostile ones, deterministically from a seed and a case
 * index. Each case stacks one to three mutations at three levels:
 * <ul>
 * <li>the handshake message: bit flips, overwritten, inserted and deleted bytes (raw or
 * with every enclosing length fixed up), a length field at every vector level set to an
 * edge value, an extension body replaced with noise, random server-name bytes and
 * server_name lists, duplicate extensions, extra and oversized extensions (up to and
 * beyond 32 KiB and 64 KiB);</li>
 * <li>the records: fragmentation at random points (down to one byte per record), record
 * headers with a wrong type, version or length, foreign records in between, empty and
 * oversized records;</li>
 * <li>the stream: truncation, trailing garbage, TCP writes cut at random points with
 * small pauses, and a half-close instead of waiting.</li>
 * </ul>
 * Slow sending is exercised apart (it takes the handshake timeout by design).
 */
final class ClientHelloMutator {

	private static final int MAX_FRAGMENT = RawClientHello.MAX_FRAGMENT_LENGTH;

	private static final String LABEL_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCXYZ";

	private static final int[] OVERSIZE_TARGETS = { 16_380, 16_385, 32_767, 32_768, 32_769, 40_000, 65_535, 65_600 };

	private final long seed;

	private final List<byte[]> bases;

	/**
	 * @param seed the run's seed
	 * @param knownName a name the server serves, sent by the unmutated hellos
	 */
	ClientHelloMutator(long seed, String knownName) {
		this.seed = seed;
		this.bases = List.of(RawClientHello.tls13().serverName(knownName).alpn("h2", "http/1.1").handshakeMessage(),
				RawClientHello.tls12().serverName(knownName).handshakeMessage(),
				RawClientHello.tls13().handshakeMessage(),
				RawClientHello.tls13().serverName(knownName.toUpperCase(Locale.ROOT)).handshakeMessage());
	}

	FuzzCase mutate(int index) {
		SplittableRandom random = new SplittableRandom(this.seed + index * 0x9E3779B97F4A7C15L);
		List<String> applied = new ArrayList<>();
		byte[] message = this.bases.get(random.nextInt(this.bases.size())).clone();
		int mutations = 1 + random.nextInt(3);
		boolean framed = false;
		List<byte[]> records = null;
		for (int i = 0; i < mutations; i++) {
			int level = random.nextInt(100);
			if (!framed && level < 60) {
				message = mutateMessage(message, random, applied);
			}
			else if (level < 85) {
				if (!framed) {
					records = frame(message, random, applied);
					framed = true;
				}
				records = mutateRecords(records, random, applied);
			}
			else {
				if (!framed) {
					records = frame(message, random, applied);
					framed = true;
				}
				records = mutateStream(records, random, applied);
			}
		}
		if (!framed) {
			records = frame(message, random, applied);
		}
		byte[] stream = RawClientHello.concat(records);
		List<byte[]> writes = writes(stream, random, applied);
		int delay = (writes.size() > 1 && random.nextInt(4) == 0) ? 1 + random.nextInt(5) : 0;
		if (writes.size() > 50) {
			delay = 0;
		}
		boolean halfClose = random.nextInt(10) == 0;
		return new FuzzCase(index, String.join(",", applied), writes, delay, halfClose);
	}

	private byte[] mutateMessage(byte[] message, SplittableRandom random, List<String> applied) {
		HelloLayout layout = HelloLayout.of(message);
		int operator = random.nextInt(13);
		switch (operator) {
			case 0 -> {
				applied.add("flip-bits");
				byte[] copy = message.clone();
				int flips = 1 + random.nextInt(8);
				for (int i = 0; i < flips; i++) {
					int bit = random.nextInt(copy.length * 8);
					copy[bit / 8] ^= (byte) (1 << (bit % 8));
				}
				return copy;
			}
			case 1 -> {
				applied.add("overwrite-bytes");
				byte[] copy = message.clone();
				int count = 1 + random.nextInt(16);
				int at = random.nextInt(copy.length);
				for (int i = at; i < Math.min(copy.length, at + count); i++) {
					copy[i] = (byte) random.nextInt(256);
				}
				return copy;
			}
			case 2 -> {
				applied.add("insert-raw");
				int at = random.nextInt(message.length + 1);
				return splice(message, null, at, at, noise(random, 1 + random.nextInt(64)));
			}
			case 3 -> {
				applied.add("delete-raw");
				int at = random.nextInt(message.length);
				int count = 1 + random.nextInt(Math.min(64, message.length - at));
				return splice(message, null, at, at + count, new byte[0]);
			}
			case 4 -> {
				applied.add("insert-consistent");
				int at = 4 + random.nextInt(message.length - 3);
				return splice(message, layout, at, at, noise(random, 1 + random.nextInt(64)));
			}
			case 5 -> {
				return mutateLengthField(message, layout, random, applied);
			}
			case 6 -> {
				if (layout.extensions().isEmpty()) {
					applied.add("no-extension-to-replace");
					return message;
				}
				HelloLayout.Extension extension = layout.extensions()
					.get(random.nextInt(layout.extensions().size()));
				applied.add("extension-body-" + extension.type());
				return splice(message, layout, extension.dataOffset(), extension.dataOffset() + extension.dataLength(),
						noise(random, random.nextInt(300)));
			}
			case 7, 8 -> {
				byte[] name = randomServerName(random);
				if (layout.hostNameOffset() >= 0) {
					applied.add("sni-bytes");
					return splice(message, layout, layout.hostNameOffset(),
							layout.hostNameOffset() + layout.hostNameLength(), name);
				}
				applied.add("sni-added");
				return addExtension(message, layout, HelloLayout.SERVER_NAME, RawClientHello.serverNameList(name));
			}
			case 9 -> {
				applied.add("sni-list");
				return addOrReplaceServerNameData(message, layout, randomServerNameList(random));
			}
			case 10 -> {
				if (layout.extensions().isEmpty()) {
					applied.add("no-extension-to-duplicate");
					return message;
				}
				HelloLayout.Extension extension = layout.extensions()
					.get(random.nextInt(layout.extensions().size()));
				applied.add("duplicate-extension-" + extension.type());
				byte[] data = new byte[extension.dataLength()];
				System.arraycopy(message, extension.dataOffset(), data, 0, data.length);
				return addExtension(message, layout, extension.type(), data);
			}
			case 11 -> {
				int type = random.nextInt(4) == 0 ? random.nextInt(65536) : 0xfe00 + random.nextInt(256);
				applied.add("extra-extension");
				return addExtension(message, layout, type, noise(random, random.nextInt(600)));
			}
			default -> {
				int target = OVERSIZE_TARGETS[random.nextInt(OVERSIZE_TARGETS.length)];
				applied.add("oversize-" + target);
				int padding = Math.max(0, Math.min(0xffff, target - message.length - 4));
				// Type 21 is the padding extension (RFC 7685): legal, any length.
				return addExtension(message, layout, 21, new byte[padding]);
			}
		}
	}

	private byte[] mutateLengthField(byte[] message, HelloLayout layout, SplittableRandom random,
			List<String> applied) {
		List<HelloLayout.LengthField> fields = layout.lengthFields();
		if (fields.isEmpty()) {
			applied.add("no-length-field");
			return message;
		}
		HelloLayout.LengthField field = fields.get(random.nextInt(fields.size()));
		int actual = field.end() - field.start();
		int value = switch (random.nextInt(7)) {
			case 0 -> 0;
			case 1 -> 1;
			case 2 -> Math.max(0, actual - 1);
			case 3 -> actual + 1;
			case 4 -> field.max();
			case 5 -> actual + 1 + random.nextInt(64);
			default -> random.nextInt(field.max() + 1);
		};
		value = Math.min(value, field.max());
		applied.add("length-" + field.name().replace(' ', '_') + "=" + value + "(was " + actual + ")");
		byte[] copy = message.clone();
		for (int i = 0; i < field.width(); i++) {
			copy[field.offset() + i] = (byte) (value >>> (8 * (field.width() - 1 - i)));
		}
		return copy;
	}

	/**
	 * Replace {@code [from, to)} with {@code bytes}; when a layout is given, every length
	 * field that encloses the range grows or shrinks with it (clipped to its width).
	 */
	static byte[] splice(byte[] message, @Nullable HelloLayout layout, int from, int to, byte[] bytes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + bytes.length);
		out.write(message, 0, from);
		out.write(bytes, 0, bytes.length);
		out.write(message, to, message.length - to);
		byte[] result = out.toByteArray();
		if (layout != null) {
			int delta = bytes.length - (to - from);
			for (HelloLayout.LengthField field : layout.enclosing(from, to)) {
				int value = Math.max(0, Math.min(field.max(), field.end() - field.start() + delta));
				int offset = field.offset();
				for (int i = 0; i < field.width(); i++) {
					result[offset + i] = (byte) (value >>> (8 * (field.width() - 1 - i)));
				}
			}
		}
		return result;
	}

	/** Append an extension at the end of the extensions block (creating one if needed). */
	private static byte[] addExtension(byte[] message, HelloLayout layout, int type, byte[] data) {
		byte[] extension = new byte[4 + data.length];
		extension[0] = (byte) (type >>> 8);
		extension[1] = (byte) type;
		extension[2] = (byte) (data.length >>> 8);
		extension[3] = (byte) data.length;
		System.arraycopy(data, 0, extension, 4, data.length);
		HelloLayout.LengthField block = layout.lengthFields()
			.stream()
			.filter((field) -> field.name().equals("extensions"))
			.findFirst()
			.orElse(null);
		if (block == null) {
			return splice(message, layout, message.length, message.length, extension);
		}
		return splice(message, layout, block.end(), block.end(), extension);
	}

	private static byte[] addOrReplaceServerNameData(byte[] message, HelloLayout layout, byte[] data) {
		for (HelloLayout.Extension extension : layout.extensions()) {
			if (extension.type() == HelloLayout.SERVER_NAME) {
				return splice(message, layout, extension.dataOffset(), extension.dataOffset() + extension.dataLength(),
						data);
			}
		}
		return addExtension(message, layout, HelloLayout.SERVER_NAME, data);
	}

	/** Record framing: one record where the message fits, else random cut points. */
	private static List<byte[]> frame(byte[] message, SplittableRandom random, List<String> applied) {
		int minimum = (message.length + MAX_FRAGMENT - 1) / MAX_FRAGMENT;
		int choice = random.nextInt(100);
		int count;
		if (choice < 70) {
			count = minimum;
		}
		else if (choice < 95) {
			count = Math.max(minimum, 2 + random.nextInt(Math.min(64, Math.max(1, message.length / 2))));
			applied.add("fragmented-" + count);
		}
		else {
			count = Math.min(message.length, 2000);
			count = Math.max(count, minimum);
			applied.add("tiny-records-" + count);
		}
		count = Math.min(count, Math.max(1, message.length));
		List<byte[]> fragments = (count == minimum || count == message.length) ? RawClientHello.split(message, count)
				: randomSplit(message, count, MAX_FRAGMENT, random);
		List<byte[]> records = new ArrayList<>(fragments.size());
		for (byte[] fragment : fragments) {
			records.add(RawClientHello.record(RawClientHello.CONTENT_TYPE_HANDSHAKE, fragment));
		}
		return records;
	}

	private static List<byte[]> mutateRecords(List<byte[]> records, SplittableRandom random, List<String> applied) {
		List<byte[]> result = new ArrayList<>(records);
		int at = random.nextInt(result.size());
		int operator = random.nextInt(6);
		if (operator <= 2 && result.get(at).length < 5) {
			// Header mutations need a whole header; after a truncation there may be none.
			operator = 3;
		}
		switch (operator) {
			case 0 -> {
				int type = new int[] { 0, 20, 21, 23, 24, 255, random.nextInt(256) }[random.nextInt(7)];
				applied.add("record-type-" + type);
				result.set(at, result.get(at).clone());
				result.get(at)[0] = (byte) type;
			}
			case 1 -> {
				int major = new int[] { 0, 2, 4, 0x7f, 0xff, random.nextInt(256) }[random.nextInt(6)];
				applied.add("record-version-" + major);
				result.set(at, result.get(at).clone());
				result.get(at)[1] = (byte) major;
				if (random.nextBoolean()) {
					result.get(at)[2] = (byte) random.nextInt(256);
				}
			}
			case 2 -> {
				byte[] record = result.get(at).clone();
				int actual = record.length - 5;
				int length = new int[] { 0, 1, actual - 1, actual + 1, 16384, 16385, 0xffff,
						random.nextInt(0x10000) }[random.nextInt(8)];
				length = Math.max(0, Math.min(0xffff, length));
				applied.add("record-length=" + length + "(was " + actual + ")");
				record[3] = (byte) (length >>> 8);
				record[4] = (byte) length;
				result.set(at, record);
			}
			case 3 -> {
				int type = new int[] { 20, 21, 23, 22 }[random.nextInt(4)];
				byte[] body = (type == 21) ? new byte[] { 1, 0 }
						: (type == 22) ? new byte[] { 2, 0, 0, 0 } : noise(random, 1 + random.nextInt(32));
				applied.add("foreign-record-" + type);
				result.add(random.nextInt(result.size() + 1), RawClientHello.record(type, body));
			}
			case 4 -> {
				applied.add("empty-record");
				result.add(random.nextInt(result.size() + 1),
						RawClientHello.record(RawClientHello.CONTENT_TYPE_HANDSHAKE, new byte[0]));
			}
			default -> {
				applied.add("merged-oversized-record");
				byte[] message = payloads(result);
				byte[] padded = new byte[Math.max(message.length, MAX_FRAGMENT + 1 + random.nextInt(2048))];
				System.arraycopy(message, 0, padded, 0, message.length);
				result = List.of(RawClientHello.record(RawClientHello.CONTENT_TYPE_HANDSHAKE,
						Arrays.copyOf(padded, Math.min(padded.length, 0xffff))));
			}
		}
		return result;
	}

	private static List<byte[]> mutateStream(List<byte[]> records, SplittableRandom random, List<String> applied) {
		byte[] stream = RawClientHello.concat(records);
		if (random.nextBoolean() && stream.length > 1) {
			int cut = 1 + random.nextInt(stream.length - 1);
			applied.add("truncated-at-" + cut + "/" + stream.length);
			return List.of(Arrays.copyOf(stream, cut));
		}
		List<byte[]> result = new ArrayList<>(records);
		if (random.nextBoolean()) {
			applied.add("trailing-garbage");
			result.add(noise(random, 1 + random.nextInt(200)));
		}
		else {
			applied.add("trailing-record");
			result.add(RawClientHello.record(RawClientHello.CONTENT_TYPE_HANDSHAKE,
					noise(random, 1 + random.nextInt(200))));
		}
		return result;
	}

	/** TCP writes: usually one, sometimes cut at random points. */
	private static List<byte[]> writes(byte[] stream, SplittableRandom random, List<String> applied) {
		if (stream.length < 2 || random.nextInt(4) != 0) {
			return List.of(stream);
		}
		int count = 2 + random.nextInt(Math.min(20, stream.length - 1));
		applied.add("tcp-writes-" + count);
		return randomSplit(stream, count, Integer.MAX_VALUE, random);
	}

	/** Cut data into {@code count} non-empty pieces at random points, each at most {@code max}. */
	private static List<byte[]> randomSplit(byte[] data, int count, int max, SplittableRandom random) {
		int[] cuts = random.ints(0, data.length)
			.distinct()
			.limit(Math.min(count - 1, data.length - 1))
			.sorted()
			.toArray();
		List<byte[]> pieces = new ArrayList<>();
		int start = 0;
		for (int cut : cuts) {
			if (cut > start) {
				addPieces(pieces, data, start, cut, max);
				start = cut;
			}
		}
		addPieces(pieces, data, start, data.length, max);
		return pieces;
	}

	private static void addPieces(List<byte[]> pieces, byte[] data, int from, int to, int max) {
		for (int start = from; start < to; start += Math.min(max, to - start)) {
			pieces.add(Arrays.copyOfRange(data, start, start + Math.min(max, to - start)));
		}
	}

	private static byte[] payloads(List<byte[]> records) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] record : records) {
			if (record.length > 5) {
				out.write(record, 5, record.length - 5);
			}
		}
		return out.toByteArray();
	}

	static byte[] noise(SplittableRandom random, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) random.nextInt(256);
		}
		return bytes;
	}

	/** Server names of every kind: valid, near-valid, forbidden and noise. */
	static byte[] randomServerName(SplittableRandom random) {
		return switch (random.nextInt(10)) {
			case 0 -> noise(random, random.nextInt(300));
			case 1 -> ascii("xn--" + randomLabel(random, 1 + random.nextInt(20)) + "." + randomLabel(random, 4));
			case 2 -> ascii(new String[] { "API.TEST", "api.test", "Api.Test", "127.0.0.1", "::1", "[::1]", "1.2.3.4",
					"0x7f.1", "localhost", "api.test.", ".api.test", "api..test", "*.test", "api.test:443" }[random
						.nextInt(14)]);
			case 3 -> "bücher.test".getBytes(StandardCharsets.UTF_8);
			case 4 -> {
				byte[] name = ascii("api.test");
				name[random.nextInt(name.length)] = (byte) random.nextInt(0x20);
				yield name;
			}
			default -> ascii(randomName(random));
		};
	}

	private static byte[] randomServerNameList(SplittableRandom random) {
		ByteArrayOutputStream list = new ByteArrayOutputStream();
		int entries = random.nextInt(4);
		for (int i = 0; i < entries; i++) {
			byte[] name = randomServerName(random);
			list.write(random.nextInt(5) == 0 ? random.nextInt(256) : 0);
			list.write(name.length >>> 8);
			list.write(name.length);
			list.write(name, 0, name.length);
		}
		byte[] entriesBytes = list.toByteArray();
		byte[] data = new byte[2 + entriesBytes.length];
		data[0] = (byte) (entriesBytes.length >>> 8);
		data[1] = (byte) entriesBytes.length;
		System.arraycopy(entriesBytes, 0, data, 2, entriesBytes.length);
		return data;
	}

	private static String randomName(SplittableRandom random) {
		StringBuilder name = new StringBuilder();
		int labels = 1 + random.nextInt(6);
		for (int i = 0; i < labels; i++) {
			if (i > 0) {
				name.append('.');
			}
			int length = (random.nextInt(20) == 0) ? 60 + random.nextInt(10) : random.nextInt(12);
			name.append(randomLabel(random, length));
		}
		if (random.nextInt(30) == 0) {
			while (name.length() < 250 + random.nextInt(10)) {
				name.append('.').append(randomLabel(random, 1 + random.nextInt(20)));
			}
		}
		return name.toString();
	}

	private static String randomLabel(SplittableRandom random, int length) {
		StringBuilder label = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			label.append(LABEL_CHARACTERS.charAt(random.nextInt(LABEL_CHARACTERS.length())));
		}
		return label.toString();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
