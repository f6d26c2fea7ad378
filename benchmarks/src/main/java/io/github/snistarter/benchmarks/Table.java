package io.github.snistarter.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import io.github.snistarter.benchmarks.BenchCertificates.KeyKind;
import io.github.snistarter.benchmarks.BenchServer.Variant;
import io.github.snistarter.core.EngineOverheadBenchmark;
import io.github.snistarter.core.SelectionBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The whole comparison: handshake throughput of the variants side by side, the scale
 * runs and the JMH selection benchmarks, written as Markdown to
 * {@code benchmarks/target/benchmarks-results.md} and, with {@code --docs=FILE}, into
 * that file between its {@code <!-- results -->} markers.
 * <p>
 * Throughput: every variant of a group runs in its own JVM, all started before the
 * first measurement; then the client measures them in turn, a, b, c, c, b, a, ...
 * (every other round in reverse order), {@code --rounds} times, so that drift of the
 * shared machine hits every variant alike.
 * Each variant's figure is the median of its rounds; a ratio is the median of the
 * per-round ratios (each variant against the reference measured in the same round).
 */
final class Table {

	private final Map<String, String> options;

	private final Path data = Benchmarks.dataDirectory();

	private final Path log;

	private final int rounds;

	private final long warmupMillis;

	private final long roundWarmupMillis;

	private final long measureMillis;

	private final int threads;

	private final int warmNames;

	private final List<Integer> sizes;

	private final int largest;

	private final StringBuilder out = new StringBuilder();

	private final Map<String, String> targets = new LinkedHashMap<>();

	private Table(Map<String, String> options) throws IOException {
		this.options = options;
		this.rounds = Integer.parseInt(options.getOrDefault("rounds", "30"));
		this.warmupMillis = Long.parseLong(options.getOrDefault("warmup", "30")) * 1000;
		this.roundWarmupMillis = Long.parseLong(options.getOrDefault("round-warmup", "1")) * 1000;
		this.measureMillis = Long.parseLong(options.getOrDefault("measure", "2")) * 1000;
		this.threads = Integer.parseInt(options.getOrDefault("threads", "4"));
		this.warmNames = Integer.parseInt(options.getOrDefault("warm-names", "1000"));
		this.sizes = Arrays.stream(options.getOrDefault("sizes", "1000,10000,100000").split(","))
			.map(Integer::valueOf)
			.toList();
		this.largest = this.sizes.stream().mapToInt(Integer::intValue).max().orElse(1000);
		Files.createDirectories(this.data);
		this.log = this.data.resolveSibling("benchmark-servers.log");
		Files.deleteIfExists(this.log);
	}

	static void main(Map<String, String> options) throws Exception {
		new Table(options).run();
	}

	private void run() throws Exception {
		String only = this.options.getOrDefault("only", "throughput,scale,jmh");
		BenchCertificates ec = new BenchCertificates(this.data, KeyKind.EC).ensure(this.largest);
		BenchCertificates rsa = new BenchCertificates(this.data, KeyKind.RSA).ensure(1);
		// Directories are linked before any server starts, so that no start time includes it.
		for (int size : this.sizes) {
			ec.directory(size);
		}
		ec.directory(0);
		ec.directory(1);
		rsa.directory(1);
		line("Generated " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " by `"
				+ commandLine() + "`.");
		line("");
		machine();
		String targetsMarker = "@@TARGETS@@";
		line(targetsMarker);
		if (only.contains("throughput")) {
			throughput(ec, rsa);
		}
		if (only.contains("scale")) {
			scale(ec);
		}
		if (only.contains("jmh")) {
			jmh();
		}
		line("Load average at the end: " + loadAverage() + ".");
		StringBuilder targetTable = new StringBuilder("### Targets\n\n| target | measured | |\n|---|---|---|\n");
		this.targets.forEach((target, measured) -> targetTable.append("| ").append(target).append(" | ")
			.append(measured)
			.append(" |\n"));
		String markdown = this.out.toString().replace(targetsMarker, targetTable.toString());
		Path results = this.data.resolveSibling("benchmarks-results.md");
		Files.writeString(results, markdown, StandardCharsets.UTF_8);
		System.out.println(markdown);
		System.err.println("Results written to " + results);
		String docs = this.options.get("docs");
		if (docs != null) {
			writeInto(Path.of(docs), markdown);
		}
	}

	private void machine() throws IOException {
		line("### Machine");
		line("");
		line("| | |");
		line("|---|---|");
		line("| CPU | " + Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel() + " |");
		line("| memory | " + memory() + " |");
		line("| JDK | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ " |");
		line("| OS | " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " |");
		line("| load average at the start | " + loadAverage() + " |");
		line("");
		line("Client and servers share these cores: the client threads run in the JVM of this tool, each server in"
				+ " its own JVM. Throughput is therefore a ratio between variants measured the same way, not an absolute"
				+ " capacity figure.");
		line("");
	}

	// ---- throughput -------------------------------------------------------------------

	private record Member(String label, Variant variant, int names, BenchCertificates certificates, int rotation) {
	}

	private void throughput(BenchCertificates ec, BenchCertificates rsa) throws Exception {
		line("### Handshake throughput");
		line("");
		line(String.format(Locale.ROOT, "Full TLS 1.3 handshakes (no resumption) from %d client threads over loopback;"
				+ " %d rounds of %d s per variant, interleaved (a, b, c, c, b, a, ...: every other round in reverse"
				+ " order), after %d s of warm-up; handshakes/s is the median of"
				+ " the rounds, [min–max] their spread; p50/p99 latency is the median of the rounds' percentiles."
				+ " Server CPU µs/handshake: the CPU time the server's JVM used (all threads, GC included) during a"
				+ " round, divided by the handshakes of that round; its ratio (reference CPU / variant CPU) is the"
				+ " throughput ratio a CPU-bound server would show, and other load on the machine disturbs it far"
				+ " less than the wall-clock figure.",
				this.threads, this.rounds, this.measureMillis / 1000, this.warmupMillis / 1000));
		line("");
		List<Member> one = List.of(new Member("a", Variant.PLAIN, 1, ec, 1), new Member("b", Variant.BOOT, 1, ec, 1),
				new Member("c-config", Variant.CONFIG, 1, ec, 1), new Member("c-dir", Variant.DIRECTORY, 1, ec, 1),
				new Member("c-api", Variant.RUNTIME, 1, ec, 1));
		Map<String, Summary> ecOne = group("ECDSA P-256 certificate, 1 name", one, "a", "b");
		List<Member> oneRsa = List.of(new Member("a", Variant.PLAIN, 1, rsa, 1),
				new Member("b", Variant.BOOT, 1, rsa, 1), new Member("c-config", Variant.CONFIG, 1, rsa, 1),
				new Member("c-dir", Variant.DIRECTORY, 1, rsa, 1), new Member("c-api", Variant.RUNTIME, 1, rsa, 1));
		Map<String, Summary> rsaOne = group("RSA-2048 certificate, 1 name", oneRsa, "a", "b");
		int big = this.largest;
		int mid = Math.min(1000, big);
		int warm = Math.min(this.warmNames, big);
		List<Member> many = List.of(new Member("c-dir 1", Variant.DIRECTORY, 1, ec, 1),
				new Member("a", Variant.PLAIN, 1, ec, 1), new Member("b " + mid, Variant.BOOT, mid, ec, mid),
				new Member("c-config " + mid, Variant.CONFIG, mid, ec, mid),
				new Member("c-dir " + big, Variant.DIRECTORY, big, ec, warm),
				new Member("c-api " + big, Variant.RUNTIME, big, ec, warm));
		Map<String, Summary> scale = group("ECDSA P-256, many names (rotating over " + warm + " warm names)", many,
				"c-dir 1", "a");
		Summary config = ecOne.get("c-config");
		this.targets.put("Starter at 1 name ≥ 0.98 × plain Tomcat (a), handshakes/s (c-config, ECDSA; by wall clock,"
				+ " then by server CPU per handshake)",
				ratioTarget(ecOne, "c-config", 0.98) + " (" + meanWithInterval(config, false) + "); by server CPU "
						+ cpuRatio(config) + " (" + meanWithInterval(config, true) + "); ECDSA c-dir "
						+ ratio(ecOne.get("c-dir")) + " (CPU " + cpuRatio(ecOne.get("c-dir")) + "), c-api "
						+ ratio(ecOne.get("c-api")) + " (CPU " + cpuRatio(ecOne.get("c-api")) + "); RSA c-config "
						+ ratio(rsaOne.get("c-config")) + " (CPU " + cpuRatio(rsaOne.get("c-config")) + ")");
		Summary largest = scale.get("c-dir " + big);
		this.targets.put("At " + String.format(Locale.ROOT, "%,d", big)
				+ " names ≥ 0.95 × the 1-name figure (warm names; c-dir; wall clock, then server CPU)",
				ratioTarget(scale, "c-dir " + big, 0.95) + " (" + meanWithInterval(largest, false)
						+ "); by server CPU " + cpuRatio(largest) + " (" + meanWithInterval(largest, true)
						+ "); runtime API " + ratio(scale.get("c-api " + big)) + " (CPU "
						+ cpuRatio(scale.get("c-api " + big)) + ")");
	}

	private String ratioTarget(Map<String, Summary> group, String label, double target) {
		Summary summary = group.get(label);
		if (summary == null || summary.ratio == null) {
			return "not measured | MISS";
		}
		return ratio(summary) + " | " + ((summary.ratio[1] >= target) ? "PASS" : "MISS");
	}

	private static String cpuRatio(Summary summary) {
		if (summary == null || summary.cpuRatio == null) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%.3f [%.3f–%.3f]", summary.cpuRatio[1], summary.cpuRatio[0],
				summary.cpuRatio[2]);
	}

	private static String ratio(Summary summary) {
		if (summary == null || summary.ratio == null) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%.3f [%.3f–%.3f]", summary.ratio[1], summary.ratio[0], summary.ratio[2]);
	}

	/** Median and spread of one variant's rounds, and of its per-round ratio to the group's reference. */
	private static final class Summary {

		final List<HandshakeLoad.Result> results = new ArrayList<>();

		final List<Double> ratios = new ArrayList<>();

		final List<Double> secondRatios = new ArrayList<>();

		final List<Double> cpuMicros = new ArrayList<>();

		final List<Double> cpuRatios = new ArrayList<>();

		double[] cpuRatio;

		double[] ratio;

		double[] secondRatio;

	}

	private Map<String, Summary> group(String title, List<Member> members, String reference, String second)
			throws Exception {
		System.err.println("Throughput: " + title);
		Map<String, ServerProcess> servers = new LinkedHashMap<>();
		Map<String, HandshakeLoad> loads = new LinkedHashMap<>();
		Map<String, Summary> summaries = new LinkedHashMap<>();
		try {
			for (Member member : members) {
				ServerProcess server = ServerProcess.start(member.variant(), member.names(), member.certificates(),
						(member.names() > 10_000) ? "3g" : "1g", startTimeout(), this.log);
				if (server == null) {
					continue;
				}
				servers.put(member.label(), server);
				IntFunction<String> names = BenchCertificates::name;
				loads.put(member.label(), new HandshakeLoad(server.port(), "TLSv1.3", this.threads, names,
						member.rotation(), member.variant() != Variant.PLAIN));
				summaries.put(member.label(), new Summary());
			}
			for (Map.Entry<String, HandshakeLoad> entry : loads.entrySet()) {
				HandshakeLoad.Result warm = entry.getValue().run(this.warmupMillis, 1000);
				System.err.println("  warm-up " + entry.getKey() + ": " + warm);
			}
			for (int round = 1; round <= this.rounds; round++) {
				Map<String, Double> thisRound = new LinkedHashMap<>();
				Map<String, Double> thisRoundCpu = new LinkedHashMap<>();
				// Even rounds run the variants in reverse order, so that a drift during a round
				// does not favour the variants measured first.
				List<Map.Entry<String, HandshakeLoad>> order = new ArrayList<>(loads.entrySet());
				if (round % 2 == 0) {
					Collections.reverse(order);
				}
				for (Map.Entry<String, HandshakeLoad> entry : order) {
					ServerProcess server = servers.get(entry.getKey());
					long cpuBefore = server.cpuNanos();
					HandshakeLoad.Result result = entry.getValue().run(this.roundWarmupMillis, this.measureMillis);
					double cpuMicros = (server.cpuNanos() - cpuBefore) / 1000.0 / Math.max(1, result.allHandshakes());
					System.err.println("  round " + round + " " + entry.getKey() + ": " + result
							+ String.format(Locale.ROOT, ", server CPU %.0f µs/handshake", cpuMicros));
					summaries.get(entry.getKey()).results.add(result);
					summaries.get(entry.getKey()).cpuMicros.add(cpuMicros);
					thisRound.put(entry.getKey(), result.perSecond());
					thisRoundCpu.put(entry.getKey(), cpuMicros);
				}
				Double referenceCpu = thisRoundCpu.get(reference);
				if (referenceCpu != null) {
					thisRoundCpu.forEach((label, cpu) -> summaries.get(label).cpuRatios.add(referenceCpu / cpu));
				}
				for (Map.Entry<String, Double> entry : thisRound.entrySet()) {
					Double ref = thisRound.get(reference);
					Double ref2 = thisRound.get(second);
					if (ref != null) {
						summaries.get(entry.getKey()).ratios.add(entry.getValue() / ref);
					}
					if (ref2 != null) {
						summaries.get(entry.getKey()).secondRatios.add(entry.getValue() / ref2);
					}
				}
			}
		}
		finally {
			for (ServerProcess server : servers.values()) {
				server.close();
			}
		}
		line("#### " + title);
		line("");
		line("| variant | handshakes/s [min–max] | p50 µs | p99 µs | × " + reference + " [min–max] | × " + second
				+ " | server CPU µs/handshake | × " + reference + " by server CPU [min–max] | failed | resumable |");
		line("|---|---|---|---|---|---|---|---|---|---|");
		for (Member member : members) {
			Summary summary = summaries.get(member.label());
			String description = member.variant().description()
					+ ((member.names() > 1) ? String.format(Locale.ROOT, ", %,d names", member.names()) : "");
			if (summary == null) {
				line("| " + member.label() + ": " + description + " | did not start | | | | | | | | |");
				continue;
			}
			summary.ratio = stats(summary.ratios);
			summary.secondRatio = stats(summary.secondRatios);
			summary.cpuRatio = stats(summary.cpuRatios);
			double[] cpu = stats(summary.cpuMicros);
			double[] perSecond = stats(summary.results.stream().map(HandshakeLoad.Result::perSecond).toList());
			double p50 = stats(summary.results.stream().map(HandshakeLoad.Result::p50Micros).toList())[1];
			double p99 = stats(summary.results.stream().map(HandshakeLoad.Result::p99Micros).toList())[1];
			long failed = summary.results.stream().mapToLong(HandshakeLoad.Result::failures).sum();
			long resumable = summary.results.stream().mapToLong(HandshakeLoad.Result::resumable).sum();
			long wrong = summary.results.stream().mapToLong(HandshakeLoad.Result::wrongCertificate).sum();
			line(String.format(Locale.ROOT, "| %s: %s | %.0f [%.0f–%.0f] | %.0f | %.0f | %s | %s | %.0f | %s | %d | %d%s |",
					member.label(), description, perSecond[1], perSecond[0], perSecond[2], p50, p99, ratio(summary),
					(summary.secondRatio != null) ? String.format(Locale.ROOT, "%.3f", summary.secondRatio[1]) : "n/a",
					cpu[1], cpuRatio(summary), failed, resumable, (wrong > 0) ? " (" + wrong + " wrong certificate)" : ""));
		}
		line("");
		return summaries;
	}

	/** The mean of a variant's per-round ratios with its 95 % confidence interval. */
	private static String meanWithInterval(Summary summary, boolean cpu) {
		List<Double> values = (summary == null) ? List.of() : cpu ? summary.cpuRatios : summary.ratios;
		return values.isEmpty() ? "n/a" : RatioStatistics.of(values).meanAndInterval();
	}

	/** min, median, max; {@code null} when empty. */
	private static double[] stats(Collection<Double> values) {
		return RatioStatistics.spread(values);
	}

	// ---- scale ------------------------------------------------------------------------

	private record ScaleResult(long readyMillis, long cpuMillis, long heapAfterStart, long heapAfterTouch, double touchSeconds,
			long touchFailures) {
	}

	/**
	 * Read every file of a certificate directory once, so that each start finds the files
	 * in the operating system's cache whatever ran before it. (A start that must read
	 * 200,000 files from disk is a different figure; docs/benchmarks.md gives it.)
	 */
	private static void warmFileCache(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
				Files.readAllBytes(file);
			}
		}
	}

	private void scale(BenchCertificates ec) throws Exception {
		List<Variant> variants = List.of(Variant.BOOT, Variant.CONFIG, Variant.DIRECTORY, Variant.RUNTIME);
		String heap = this.options.getOrDefault("scale-heap", "4g");
		Map<Variant, ScaleResult> baseline = new LinkedHashMap<>();
		Map<Variant, Map<Integer, ScaleResult>> results = new LinkedHashMap<>();
		Map<Variant, String> stopped = new LinkedHashMap<>();
		for (Variant variant : variants) {
			System.err.println("Scale: " + variant + " with 0 names");
			baseline.put(variant, scaleRun(variant, 0, ec, heap, false));
			results.put(variant, new LinkedHashMap<>());
		}
		for (int size : this.sizes) {
			for (Variant variant : variants) {
				if (stopped.containsKey(variant)) {
					continue;
				}
				System.err.println("Scale: " + variant + " with " + size + " names");
				warmFileCache(ec.directory(size));
				ScaleResult result = scaleRun(variant, size, ec, heap, true);
				if (result == null) {
					stopped.put(variant, String.format(Locale.ROOT, "did not start at %,d names within %d s and -Xmx%s",
							size, startTimeout(), heap));
				}
				else {
					results.get(variant).put(size, result);
				}
			}
		}
		line("### Scale: start time and heap");
		line("");
		line("ECDSA P-256 leaves with one shared issuer, one name each. Start: from launching the JVM to the"
				+ " server accepting connections (runtime API: including registering every certificate); start CPU:"
				+ " the CPU time the server's JVM used until then, all threads, which other load on the machine"
				+ " affects much less than the wall-clock figure; the certificate files are read once before each"
				+ " start, so that every start finds them in the operating system's file cache. Heap: used"
				+ " heap after full collections, minus the same variant with no names, per name; 'after touching':"
				+ (touchByHandshakes() ? " after one full handshake for every name."
						: " after the callback ran once for every name inside the server (--touch=select), which builds"
								+ " each context as a first handshake would.")
				+ " Budget per start: " + startTimeout() + " s, -Xmx"
				+ heap + ".");
		line("");
		line("| variant | names | start s | start CPU s | × b | heap after start MB | bytes/name idle | heap after touching MB |"
				+ " bytes/name touched | touching s |");
		line("|---|---|---|---|---|---|---|---|---|---|");
		for (Variant variant : variants) {
			ScaleResult base = baseline.get(variant);
			if (base != null) {
				line(String.format(Locale.ROOT, "| %s: %s | 0 | %.1f | %.1f | | %.1f | | | | |", variant.label(),
						variant.description(), base.readyMillis() / 1000.0, base.cpuMillis() / 1000.0,
						base.heapAfterStart() / 1e6));
			}
			for (int size : this.sizes) {
				ScaleResult result = results.get(variant).get(size);
				if (result == null) {
					continue;
				}
				ScaleResult boot = results.get(Variant.BOOT).get(size);
				String versusBoot = (variant != Variant.BOOT && boot != null)
						? String.format(Locale.ROOT, "%.2f", (double) result.readyMillis() / boot.readyMillis()) : "";
				long baseHeap = (base != null) ? base.heapAfterStart() : 0;
				line(String.format(Locale.ROOT, "| %s: %s | %,d | %.1f | %.1f | %s | %.1f | %,.0f | %.1f | %,.0f | %.1f%s |",
						variant.label(), variant.description(), size, result.readyMillis() / 1000.0,
						result.cpuMillis() / 1000.0, versusBoot,
						result.heapAfterStart() / 1e6, (double) (result.heapAfterStart() - baseHeap) / size,
						result.heapAfterTouch() / 1e6, (double) (result.heapAfterTouch() - baseHeap) / size,
						result.touchSeconds(),
						(result.touchFailures() > 0) ? " (" + result.touchFailures() + " failed)" : ""));
			}
			if (stopped.containsKey(variant)) {
				line("| " + variant.label() + ": " + variant.description() + " | | " + stopped.get(variant)
						+ " | | | | | | | |");
			}
		}
		line("");
		ScaleResult dirLargest = results.get(Variant.DIRECTORY).get(this.largest);
		ScaleResult dirBase = baseline.get(Variant.DIRECTORY);
		if (dirLargest != null) {
			this.targets.put(String.format(Locale.ROOT, "Start with %,d certificates in a folder ≤ 10 s", this.largest),
					String.format(Locale.ROOT, "%.1f s wall, %.1f s CPU (2 cores, load %s) | %s",
							dirLargest.readyMillis() / 1000.0, dirLargest.cpuMillis() / 1000.0, loadAverage(),
							(dirLargest.readyMillis() <= 10_000) ? "PASS" : "MISS"));
			long perName = (dirLargest.heapAfterStart() - dirBase.heapAfterStart()) / this.largest;
			this.targets.put(String.format(Locale.ROOT, "Heap per idle certificate at %,d names ≤ 4 KB", this.largest),
					String.format(Locale.ROOT, "%,d bytes | %s", perName, (perName <= 4096) ? "PASS" : "MISS"));
		}
		else {
			this.targets.put("Start with certificates in a folder ≤ 10 s", "did not start | MISS");
		}
		StringBuilder faster = new StringBuilder();
		boolean allFaster = true;
		for (int size : this.sizes) {
			ScaleResult boot = results.get(Variant.BOOT).get(size);
			if (boot == null) {
				faster.append(String.format(Locale.ROOT, "%,d: b does not start; ", size));
				continue;
			}
			for (Variant variant : List.of(Variant.CONFIG, Variant.DIRECTORY, Variant.RUNTIME)) {
				ScaleResult result = results.get(variant).get(size);
				boolean isFaster = result != null && result.readyMillis() < boot.readyMillis();
				allFaster &= isFaster || variant != Variant.DIRECTORY;
				faster.append(String.format(Locale.ROOT, "%,d %s %s vs b %.1f s; ", size, variant.label(),
						(result != null) ? String.format(Locale.ROOT, "%.1f s", result.readyMillis() / 1000.0) : "-",
						boot.readyMillis() / 1000.0));
			}
		}
		this.targets.put("Start faster than (b) at every size where (b) starts (directory store)",
				faster.toString().trim() + " | " + (allFaster ? "PASS" : "MISS"));
	}

	private ScaleResult scaleRun(Variant variant, int size, BenchCertificates certificates, String heap, boolean touch)
			throws Exception {
		ServerProcess server = ServerProcess.start(variant, size, certificates, heap, startTimeout(), this.log);
		if (server == null) {
			return null;
		}
		try {
			long afterStart = server.usedHeap();
			long afterTouch = afterStart;
			double seconds = 0;
			long failures = 0;
			if (touch) {
				long start = System.nanoTime();
				if (touchByHandshakes()) {
					HandshakeLoad load = new HandshakeLoad(server.port(), "TLSv1.3", this.threads,
							BenchCertificates::name, size, true);
					failures = load.touchEach();
				}
				else {
					failures = server.selectEach(size);
				}
				seconds = (System.nanoTime() - start) / 1e9;
				afterTouch = server.usedHeap();
			}
			ScaleResult result = new ScaleResult(server.readyMillis(), server.cpuMillis(), afterStart, afterTouch, seconds, failures);
			System.err.println("  " + server.description() + ": " + result);
			return result;
		}
		finally {
			server.close();
		}
	}

	/** {@code --touch=handshakes} (default) or {@code --touch=select}: the callback in the server's JVM. */
	private boolean touchByHandshakes() {
		return !"select".equals(this.options.get("touch"));
	}

	private long startTimeout() {
		return Long.parseLong(this.options.getOrDefault("start-timeout", "120"));
	}

	// ---- JMH --------------------------------------------------------------------------

	private void jmh() throws Exception {
		System.err.println("JMH: selection");
		Options jmhOptions = new OptionsBuilder().include(SelectionBenchmark.class.getName())
			.include(EngineOverheadBenchmark.class.getName())
			.warmupIterations(3)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(5)
			.measurementTime(TimeValue.seconds(1))
			.forks(1)
			.build();
		Collection<RunResult> runs = new Runner(jmhOptions).run();
		Map<String, Map<String, double[]>> table = new LinkedHashMap<>();
		Map<String, double[]> engine = new LinkedHashMap<>();
		for (RunResult run : runs) {
			String benchmark = run.getParams().getBenchmark();
			benchmark = benchmark.substring(benchmark.lastIndexOf('.') + 1);
			if (run.getParams().getBenchmark().contains("EngineOverhead")) {
				var statistics = run.getPrimaryResult().getStatistics();
				engine.put(benchmark, new double[] { statistics.getPercentile(50), statistics.getPercentile(99) });
				continue;
			}
			String row = benchmark + " " + run.getParams().getParam("kind");
			var statistics = run.getPrimaryResult().getStatistics();
			table.computeIfAbsent(row, (key) -> new LinkedHashMap<>())
				.put(run.getParams().getParam("names"),
						new double[] { statistics.getPercentile(50), statistics.getPercentile(99) });
		}
		line("### Selection alone (JMH)");
		line("");
		line("`SelectionBenchmark`, sample-time mode, 1 fork, 3 × 1 s warm-up, 5 × 1 s measurement, context cache"
				+ " warm. Median [p99] per operation in ns. `select`: the default callback's store lookup for a parsed"
				+ " ClientHello; `parseAndNormalize`: decode the ClientHello and normalize its server name;"
				+ " `selection`: both plus collecting the records and building the callback's `ClientHello`, the"
				+ " whole decision as the engine makes it.");
		line("");
		line("| benchmark | 1 name | 1,000 names | 100,000 names |");
		line("|---|---|---|---|");
		table.forEach((row, byNames) -> line("| " + row + " | " + cell(byNames.get("1")) + " | "
				+ cell(byNames.get("1000")) + " | " + cell(byNames.get("100000")) + " |"));
		line("");
		line("`EngineOverheadBenchmark`: a connection's engine as Tomcat configures it, given a real ClientHello"
				+ " (`plain`), against the same wrapped by the starter, which selects (a callback returning a ready"
				+ " context) and switches to an engine of the selected context (`starter`). The JDK defers the"
				+ " ClientHello's processing to a delegated task that neither runs, so the difference is what the"
				+ " starter adds to a handshake outside the TLS work: " + cell(engine.get("plain")) + " ns against "
				+ cell(engine.get("starter")) + " ns (median [p99]).");
		line("");
		handshakesInMemory();
		alternatingInMemory();
		double[] exact = table.getOrDefault("select exact", Map.of()).get("100000");
		double[] wildcard = table.getOrDefault("select wildcard", Map.of()).get("100000");
		if (exact != null && wildcard != null) {
			double worst = Math.max(exact[0], wildcard[0]);
			this.targets.put("Warm selection median ≤ 1 µs at 100,000 names (JMH)",
					String.format(Locale.ROOT, "exact %.0f ns, wildcard %.0f ns; whole decision %s | %s", exact[0],
							wildcard[0], cell(table.getOrDefault("selection exact", Map.of()).get("100000")),
							(worst <= 1000) ? "PASS" : "MISS"));
		}
	}

	/** Whole handshakes in memory, plain against the starter: the CPU-bound throughput ratio. */
	private void handshakesInMemory() throws Exception {
		System.err.println("JMH: handshakes in memory");
		Options jmhOptions = new OptionsBuilder().include(HandshakeBenchmark.class.getName())
			.warmupIterations(6)
			.warmupTime(TimeValue.seconds(3))
			.measurementIterations(5)
			.measurementTime(TimeValue.seconds(3))
			.forks(1)
			.build();
		Map<String, double[]> means = new LinkedHashMap<>();
		for (RunResult run : new Runner(jmhOptions).run()) {
			String benchmark = run.getParams().getBenchmark();
			var statistics = run.getPrimaryResult().getStatistics();
			means.put(benchmark.substring(benchmark.lastIndexOf('.') + 1) + " " + run.getParams().getParam("key"),
					new double[] { statistics.getMean(), statistics.getMeanErrorAt(0.999) });
		}
		line("`HandshakeBenchmark`: whole TLS 1.3 handshakes in memory (client and server engines on one thread, no"
				+ " sockets, no resumption), the connector's engine alone (`plain`) against the starter selecting"
				+ " the certificate's context by server name (`starter`); 1 fork, 6 × 3 s warm-up, 5 × 3 s"
				+ " measurement. Mean ± 99.9 % error per handshake in µs, client and server work together:");
		line("");
		line("| key | plain µs | starter µs | throughput ratio starter / plain |");
		line("|---|---|---|---|");
		StringBuilder ratios = new StringBuilder();
		boolean pass = true;
		for (String key : List.of("EC", "RSA")) {
			double[] plain = means.get("plain " + key);
			double[] starter = means.get("starter " + key);
			if (plain == null || starter == null) {
				continue;
			}
			double ratio = plain[0] / starter[0];
			// The ratio's range from the two means' error bounds.
			double low = (plain[0] - plain[1]) / (starter[0] + starter[1]);
			double high = (plain[0] + plain[1]) / (starter[0] - starter[1]);
			pass &= ratio >= 0.98;
			line(String.format(Locale.ROOT, "| %s | %.0f ± %.0f | %.0f ± %.0f | %.3f [%.3f–%.3f] |", key, plain[0],
					plain[1], starter[0], starter[1], ratio, low, high));
			ratios.append(String.format(Locale.ROOT, "%s%s %.3f [%.3f–%.3f]", (ratios.length() > 0) ? "; " : "", key,
					ratio, low, high));
		}
		line("");
		if (ratios.length() > 0) {
			this.targets.put("Starter at 1 name ≥ 0.98 × plain, CPU-bound, separate runs: whole handshakes in memory (JMH"
					+ " HandshakeBenchmark, starter / plain throughput)", ratios + " | " + (pass ? "PASS" : "MISS"));
		}
	}

	/** Plain and starter alternating in one JVM: the CPU-bound ratio, with drift paired away. */
	private void alternatingInMemory() throws Exception {
		long warmup = Long.parseLong(this.options.getOrDefault("alternate-warmup", "30")) * 1000;
		long block = Long.parseLong(this.options.getOrDefault("alternate-block", "100"));
		int pairs = Integer.parseInt(this.options.getOrDefault("alternate-pairs", "600"));
		line(String.format(Locale.ROOT, "`AlternatingHandshakes`: the same two in one JVM on one thread, after %d s of"
				+ " warm-up of both, in blocks of %d ms alternating plain, starter, starter, plain, ...; each pair of"
				+ " adjacent blocks gives one ratio (starter / plain handshakes per second), so a slow stretch of the"
				+ " machine, a collection or a late compilation hits both alike. %d pairs per key. Overall: all"
				+ " blocks' handshakes per second, starter over plain; beside it the median [min–max] of the pairs'"
				+ " ratios and their mean with a 95 %% bootstrap confidence interval:", warmup / 1000, block, pairs));
		line("");
		line("| key | plain µs | starter µs | overall starter / plain | per pair: median [min–max] | mean, 95 % CI |");
		line("|---|---|---|---|---|---|");
		StringBuilder summary = new StringBuilder();
		boolean pass = true;
		for (String key : List.of("EC", "RSA")) {
			System.err.println("Alternating handshakes in memory: " + key);
			AlternatingHandshakes.Result result = AlternatingHandshakes.run(key, warmup, block, pairs);
			System.err.println("  " + result);
			pass &= result.overall() >= 0.98;
			line(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.3f | %s | %s |", key, result.plainMicros(),
					result.starterMicros(), result.overall(), result.ratios().medianAndSpread(),
					result.ratios().meanAndInterval()));
			summary.append((summary.length() > 0) ? "; " : "")
				.append(String.format(Locale.ROOT, "%s %.3f (per pair %s)", key, result.overall(),
						result.ratios().meanAndInterval()));
		}
		line("");
		this.targets.put("Starter at 1 name ≥ 0.98 × plain, CPU-bound, alternating in one JVM: whole handshakes in"
				+ " memory (AlternatingHandshakes, starter / plain handshakes per second over " + pairs + " pairs of "
				+ block + " ms blocks)", summary + " | " + (pass ? "PASS" : "MISS"));
	}

	private static String cell(double[] value) {
		return (value != null) ? String.format(Locale.ROOT, "%.0f [%.0f]", value[0], value[1]) : "";
	}

	// ---- output -----------------------------------------------------------------------

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private static void writeInto(Path docs, String markdown) throws IOException {
		String start = "<!-- results:start -->";
		String end = "<!-- results:end -->";
		String text = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : start + "\n" + end + "\n";
		int from = text.indexOf(start);
		int to = text.indexOf(end);
		if (from < 0 || to < from) {
			throw new IllegalStateException(docs + " has no " + start + " ... " + end + " section");
		}
		Files.writeString(docs, text.substring(0, from + start.length()) + "\n\n" + markdown + "\n"
				+ text.substring(to), StandardCharsets.UTF_8);
		System.err.println("Results written into " + docs);
	}

	private String commandLine() {
		StringBuilder command = new StringBuilder("java -jar benchmarks/target/benchmarks.jar table");
		this.options.forEach((name, value) -> command.append(" --").append(name).append('=').append(value));
		return command.toString();
	}

	private static String cpuModel() throws IOException {
		Path cpuinfo = Path.of("/proc/cpuinfo");
		if (Files.exists(cpuinfo)) {
			for (String line : Files.readAllLines(cpuinfo)) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		return System.getProperty("os.arch");
	}

	private static String memory() throws IOException {
		Path meminfo = Path.of("/proc/meminfo");
		if (Files.exists(meminfo)) {
			for (String line : Files.readAllLines(meminfo)) {
				if (line.startsWith("MemTotal")) {
					long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
					return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
				}
			}
		}
		return "unknown";
	}

	private static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

}
