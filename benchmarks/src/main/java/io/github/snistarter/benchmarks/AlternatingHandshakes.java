package io.github.snistarter.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
		List<Double> ratios = new ArrayList<>(pairs);
		long plainCount = 0;
		long plainNanos = 0;
		long starterCount = 0;
		long starterNanos = 0;
		for (int pair = 0; pair < pairs; pair++) {
			boolean plainFirst = pair % 2 == 0;
			long[] first = block(plainFirst ? plain : starter, blockMillis);
			long[] second = block(plainFirst ? starter : plain, blockMillis);
			long[] plainBlock = plainFirst ? first : second;
			long[] starterBlock = plainFirst ? second : first;
			ratios.add(((double) starterBlock[0] / starterBlock[1]) / ((double) plainBlock[0] / plainBlock[1]));
			plainCount += plainBlock[0];
			plainNanos += plainBlock[1];
			starterCount += starterBlock[0];
			starterNanos += starterBlock[1];
		}
		return new Result(key, RatioStatistics.of(ratios), plainNanos / 1000.0 / plainCount,
				starterNanos / 1000.0 / starterCount);
	}

	/** Handshakes done and nanoseconds taken in one block. */
	private static long[] block(Handshake handshake, long millis) throws SSLException {
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
		return new long[] { count, now - start };
	}

}
