package io.github.snistarter.reliability;

import java.util.HexFormat;
import java.util.List;

/**
 * One connection of the fuzzer: the bytes to send, how they are cut into TCP writes,
 * and how the client ends its side.
 *
 * @param index position in the run (with the seed, enough to replay it)
 * @param operators the mutations applied, for the report
 * @param writes the TCP writes, in order; together the whole stream
 * @param delayMillis pause between two writes
 * @param halfClose whether the client shuts its output down after the last write (the
 * server then sees end-of-stream) instead of waiting with the connection open
 */
record FuzzCase(int index, String operators, List<byte[]> writes, int delayMillis, boolean halfClose) {

	byte[] stream() {
		int length = this.writes.stream().mapToInt((write) -> write.length).sum();
		byte[] stream = new byte[length];
		int position = 0;
		for (byte[] write : this.writes) {
			System.arraycopy(write, 0, stream, position, write.length);
			position += write.length;
		}
		return stream;
	}

	@Override
	public String toString() {
		byte[] stream = stream();
		int shown = Math.min(stream.length, 48);
		return "case " + this.index + " [" + this.operators + "] " + stream.length + " bytes in " + this.writes.size()
				+ " writes" + (this.halfClose ? ", half-closed" : "") + ": "
				+ HexFormat.of().formatHex(stream, 0, shown) + ((shown < stream.length) ? "..." : "");
	}

}
