package io.github.snistarter.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.net.ssl.SSLException;

/**
 * Whole TLS 1.3 handshakes in memory, {@link HandshakeBenchmark}'s {@code plain} and
 * {@code starter} alternating on one thread of one JVM: after a warm-up of both, blocks
 * of a fixed duration (100 ms by default) in the order plain, starter, starter, plain, plain, starter, ...
 * Each pair of adjacent blocks gives one ratio (starter handshakes per second / plain
 * handshakes per second), so a slow stretch of a shared machine, a collection or a
 * late compilation hits both alike. Separate JMH runs of the two, one after the other
 * and each in its own fork, differ by more than the few microseconds the starter adds.
 */
final class AlternatingHandshakes {

	/**
	 * What one run measured.
	 * @param key the key type
	 * @param ratios the pairs' ratios
	 * @param plainMicros plain's time per handshake over all its blocks
	 * @param starterMicros the starter's time per handshake over all its blocks
	 */
	record Result(String key, RatioStatistics ratios, double plainMicros, double starterMicros) {

		/** Starter handshakes per second over plain handshakes per second, all blocks together. */
		double overall() {
			return this.plainMicros / this.starterMicros;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%s: starter / plain %.3f overall; per pair median %s, %s; plain %.0f µs, starter %.0f µs per handshake",
					this.key, overall(), this.ratios.medianAndSpread(), this.ratios.meanAndInterval(), this.plainMicros,
					this.starterMicros);
		}

	}

	@FunctionalInterface
	private interface Handshake {

		void run() throws SSLException;

	}

	private AlternatingHandshakes() {
	}

	static Result run(String key, long warmupMillis, long blockMillis, int pairs) throws Exception {
		HandshakeBenchmark benchmark = new HandshakeBenchmark();
		benchmark.key = key;
		benchmark.setUp();
		Handshake plain = benchmark::plain;
		Handshake starter = benchmark::starter;
		long warmupEnd = System.nanoTime() + warmupMillis * 1_000_000;
		while (System.nanoTime() < warmupEnd) {
			plain.run();
			starter.run();
		}
		List<AlternatingBlocks.Pair<Block>> measured = AlternatingBlocks.measure(pairs,
				() -> Block.of(plain, blockMillis), () -> Block.of(starter, blockMillis));
		List<Double> ratios = measured.stream().map((pair) -> pair.c().perSecond() / pair.a().perSecond()).toList();
		return new Result(key, RatioStatistics.of(ratios),
				microsPerHandshake(measured.stream().map(AlternatingBlocks.Pair::a)),
				microsPerHandshake(measured.stream().map(AlternatingBlocks.Pair::c)));
	}

	private static double microsPerHandshake(Stream<Block> blocks) {
		List<Block> all = blocks.toList();
		return all.stream().mapToLong(Block::nanos).sum() / 1000.0 / all.stream().mapToLong(Block::handshakes).sum();
	}

	/** Handshakes done and nanoseconds taken in one block. */
	private record Block(long handshakes, long nanos) {

		static Block of(Handshake handshake, long millis) throws SSLException {
			long start = System.nanoTime();
			long end = start + millis * 1_000_000;
			long count = 0;
			long now;
			do {
				handshake.run();
				count++;
				now = System.nanoTime();
			}
			while (now < end);
			return new Block(count, now - start);
		}

		double perSecond() {
			return this.handshakes * 1e9 / this.nanos;
		}

	}

}
