package io.github.snistarter.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.snistarter.benchmarks.BenchCertificates.KeyKind;
import io.github.snistarter.benchmarks.BenchServer.Variant;

/**
 * Plain Tomcat (a) against one starter variant over loopback, two server JVMs measured
 * in alternating short blocks, a, c, c, a, a, c, ...: each pair of adjacent blocks
 * gives one ratio (c handshakes per second / a handshakes per second) and one ratio of
 * server CPU per handshake. The table's rounds measure five variants in turn, so a and
 * c are seconds apart and the machine's drift between them is part of each ratio;
 * adjacent one-second blocks share most of it.
 */
final class LoopbackPairs {

	private LoopbackPairs() {
	}

	static void main(Map<String, String> options) throws Exception {
		Variant variant = Variant.valueOf(options.getOrDefault("variant", "CONFIG"));
		KeyKind kind = KeyKind.valueOf(options.getOrDefault("key", "EC"));
		int pairs = Integer.parseInt(options.getOrDefault("pairs", "120"));
		long blockMillis = Long.parseLong(options.getOrDefault("block-millis", "1000"));
		long warmupMillis = Long.parseLong(options.getOrDefault("warmup", "30")) * 1000;
		int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
		Path data = Benchmarks.dataDirectory();
		BenchCertificates certificates = new BenchCertificates(data, kind).ensure(1);
		certificates.directory(1);
		Path log = data.resolveSibling("benchmark-pairs.log");
		try (ServerProcess plain = ServerProcess.start(Variant.PLAIN, 1, certificates, "1g", 120, log);
				ServerProcess starter = ServerProcess.start(variant, 1, certificates, "1g", 120, log)) {
			if (plain == null || starter == null) {
				throw new IllegalStateException("A server did not start; see " + log);
			}
			HandshakeLoad plainLoad = new HandshakeLoad(plain.port(), "TLSv1.3", threads, BenchCertificates::name, 1,
					false);
			HandshakeLoad starterLoad = new HandshakeLoad(starter.port(), "TLSv1.3", threads, BenchCertificates::name,
					1, true);
			System.err.println("warm-up a: " + plainLoad.run(warmupMillis, 1000));
			System.err.println("warm-up " + variant.label() + ": " + starterLoad.run(warmupMillis, 1000));
			List<Double> ratios = new ArrayList<>();
			List<Double> cpuRatios = new ArrayList<>();
			long[] totals = new long[4];
			long failed = 0;
			long wrong = 0;
			for (int pair = 0; pair < pairs; pair++) {
				boolean plainFirst = pair % 2 == 0;
				double[] first = block(plainFirst ? plain : starter, plainFirst ? plainLoad : starterLoad, blockMillis);
				double[] second = block(plainFirst ? starter : plain, plainFirst ? starterLoad : plainLoad, blockMillis);
				double[] a = plainFirst ? first : second;
				double[] c = plainFirst ? second : first;
				ratios.add(c[0] / a[0]);
				cpuRatios.add(a[1] / c[1]);
				totals[0] += (long) a[2];
				totals[1] += (long) c[2];
				totals[2] += (long) a[3];
				totals[3] += (long) c[3];
				failed += (long) (a[4] + c[4]);
				wrong += (long) c[5];
			}
			RatioStatistics wall = RatioStatistics.of(ratios);
			RatioStatistics cpu = RatioStatistics.of(cpuRatios);
			System.out.printf(Locale.ROOT,
					"%s %s × a, %d pairs of %d ms blocks, %d threads: handshakes %,d (a) / %,d (c), overall %.3f;"
							+ " per pair median %s, %s; by server CPU per handshake overall %.3f, per pair median %s, %s;"
							+ " failed %d, wrong certificate %d%n",
					kind, variant.label(), pairs, blockMillis, threads, totals[0], totals[1],
					(double) totals[1] / totals[0], wall.medianAndSpread(), wall.meanAndInterval(),
					((double) totals[2] / totals[0]) / ((double) totals[3] / totals[1]), cpu.medianAndSpread(),
					cpu.meanAndInterval(), failed, wrong);
		}
	}

	/** handshakes/s, server CPU ns/handshake, handshakes, server CPU ns, failures, wrong certificates. */
	private static double[] block(ServerProcess server, HandshakeLoad load, long blockMillis) throws Exception {
		long cpuBefore = server.cpuNanos();
		HandshakeLoad.Result result = load.run(200, blockMillis);
		long cpu = server.cpuNanos() - cpuBefore;
		return new double[] { result.perSecond(), (double) cpu / Math.max(1, result.allHandshakes()),
				result.handshakes(), cpu * ((double) result.handshakes() / Math.max(1, result.allHandshakes())),
				result.failures(), result.wrongCertificate() };
	}

}
