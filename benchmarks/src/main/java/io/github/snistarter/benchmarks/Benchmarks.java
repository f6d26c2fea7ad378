package io.github.snistarter.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Entry point of {@code benchmarks.jar}:
 * <ul>
 * <li>{@code table [--option=value ...]}: the whole comparison behind
 * {@code docs/benchmarks.md} (see {@link Table});</li>
 * <li>{@code jmh [JMH options]}: the JMH selection benchmarks, with JMH's own command
 * line ({@code jmh -h});</li>
 * <li>{@code load --port=P [--names=N] [--threads=T] [--warmup=S] [--measure=S] [--check-names=false]
 * [--protocol=TLSv1.3]}: the handshake load tool against a running server, rotating
 * over the benchmark names {@code n000000.bench.test} ...;</li>
 * <li>{@code certs [--count=N]}: generate the benchmark certificates.</li>
 * </ul>
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		String command = (args.length > 0) ? args[0] : "help";
		String[] rest = (args.length > 0) ? Arrays.copyOfRange(args, 1, args.length) : new String[0];
		switch (command) {
			case "table" -> Table.main(options(rest));
			case "jmh" -> org.openjdk.jmh.Main.main(rest);
			case "load" -> load(options(rest));
			case "alternate" -> alternate(options(rest));
			case "pair" -> LoopbackPairs.main(options(rest));
			case "certs" -> {
				Map<String, String> options = options(rest);
				int count = Integer.parseInt(options.getOrDefault("count", "100000"));
				new BenchCertificates(dataDirectory(), BenchCertificates.KeyKind.EC).ensure(count);
				new BenchCertificates(dataDirectory(), BenchCertificates.KeyKind.RSA).ensure(1);
			}
			default -> {
				System.err.println("Usage: java -jar benchmarks.jar table|jmh|load|alternate|pair|certs [options]"
						+ " (see docs/benchmarks.md)");
				System.exit(2);
			}
		}
	}

	private static void load(Map<String, String> options) throws InterruptedException {
		int names = Integer.parseInt(options.getOrDefault("names", "1"));
		HandshakeLoad load = new HandshakeLoad(Integer.parseInt(options.get("port")),
				options.getOrDefault("protocol", "TLSv1.3"), Integer.parseInt(options.getOrDefault("threads", "4")),
				BenchCertificates::name, names, Boolean.parseBoolean(options.getOrDefault("check-names", "true")));
		HandshakeLoad.Result result = load.run(Long.parseLong(options.getOrDefault("warmup", "5")) * 1000,
				Long.parseLong(options.getOrDefault("measure", "10")) * 1000);
		System.out.println(result);
	}

	private static void alternate(Map<String, String> options) throws Exception {
		for (String key : options.getOrDefault("key", "EC,RSA").split(",")) {
			System.out.println(AlternatingHandshakes.run(key, Long.parseLong(options.getOrDefault("warmup", "20")) * 1000,
					Long.parseLong(options.getOrDefault("block-millis", "100")),
					Integer.parseInt(options.getOrDefault("pairs", "600"))));
		}
	}

	static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Options look like --name=value: " + arg);
			}
			int equals = arg.indexOf('=');
			options.put((equals > 0) ? arg.substring(2, equals) : arg.substring(2),
					(equals > 0) ? arg.substring(equals + 1) : "true");
		}
		return options;
	}

	/**
	 * Where generated certificates are cached: {@code -Dbench.data}, else
	 * {@code bench-data} beside the jar (that is, {@code benchmarks/target/bench-data}).
	 */
	static Path dataDirectory() {
		String configured = System.getProperty("bench.data");
		if (configured != null) {
			return Path.of(configured).toAbsolutePath();
		}
		try {
			Path location = Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return location.getParent().resolve("bench-data").toAbsolutePath();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
