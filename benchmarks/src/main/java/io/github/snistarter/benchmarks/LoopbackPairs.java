package io.github.snistarter.benchmarks;

import java.nio.file.Path;
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
			List<AlternatingBlocks.Pair<Block>> measured = AlternatingBlocks.measure(pairs,
					() -> Block.of(plain, plainLoad, blockMillis), () -> Block.of(starter, starterLoad, blockMillis));
			RatioStatistics wall = RatioStatistics
				.of(measured.stream().map((pair) -> pair.c().perSecond() / pair.a().perSecond()).toList());
			RatioStatistics cpu = RatioStatistics
				.of(measured.stream().map((pair) -> pair.a().cpuPerHandshake() / pair.c().cpuPerHandshake()).toList());
			Block a = Block.sum(measured.stream().map(AlternatingBlocks.Pair::a).toList());
			Block c = Block.sum(measured.stream().map(AlternatingBlocks.Pair::c).toList());
			System.out.printf(Locale.ROOT,
					"%s %s × a, %d pairs of %d ms blocks, %d threads: handshakes %,d (a) / %,d (c), overall %.3f;"
							+ " per pair median %s, %s; by server CPU per handshake overall %.3f, per pair median %s, %s;"
							+ " failed %d, wrong certificate %d%n",
					kind, variant.label(), pairs, blockMillis, threads, a.handshakes(), c.handshakes(),
					(double) c.handshakes() / a.handshakes(), wall.medianAndSpread(), wall.meanAndInterval(),
					a.cpuPerHandshake() / c.cpuPerHandshake(), cpu.medianAndSpread(), cpu.meanAndInterval(),
					a.failures() + c.failures(), c.wrongCertificates());
		}
	}

	/**
	 * One server's measured block.
	 * @param perSecond handshakes per second
	 * @param handshakes handshakes in the measured period
	 * @param cpuNanos the server's CPU time for those handshakes (the block's CPU time in
	 * proportion to the measured share of all its handshakes)
	 * @param failures failed handshakes
	 * @param wrongCertificates handshakes that got a certificate for another name
	 */
	private record Block(double perSecond, long handshakes, double cpuNanos, long failures, long wrongCertificates) {

		static Block of(ServerProcess server, HandshakeLoad load, long blockMillis) throws Exception {
			long cpuBefore = server.cpuNanos();
			HandshakeLoad.Result result = load.run(200, blockMillis);
			long cpu = server.cpuNanos() - cpuBefore;
			return new Block(result.perSecond(), result.handshakes(),
					cpu * ((double) result.handshakes() / Math.max(1, result.allHandshakes())), result.failures(),
					result.wrongCertificate());
		}

		static Block sum(List<Block> blocks) {
			return new Block(Double.NaN, blocks.stream().mapToLong(Block::handshakes).sum(),
					blocks.stream().mapToDouble(Block::cpuNanos).sum(), blocks.stream().mapToLong(Block::failures).sum(),
					blocks.stream().mapToLong(Block::wrongCertificates).sum());
		}

		double cpuPerHandshake() {
			return this.cpuNanos / Math.max(1, this.handshakes);
		}

	}

}
