package io.github.snistarter.reliability;

import java.math.BigInteger;
import java.net.IDN;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC T2 and T3 as a property, over random worlds of exact and wildcard patterns and
 * random names (matching, near misses, case variants, extra labels, parents, IDN): the
 * served certificate always covers the requested name by its own SANs (RFC 6125: case
 * insensitive, a wildcard stands for exactly one whole left-most label), an exact
 * pattern beats a wildcard, the same name always gets the same certificate, and the
 * default certificate is served only where T3 allows it (no SNI, or an unknown name
 * under the {@code default} policy). Under {@code reject} an unknown name gets 112.
 * <p>
 * The expectation comes from an independent model of the registered patterns, never
 * from the server's code. The seed is printed; {@code -Dsni.reliability.seed} replays it.
 */
class CertificateCoveragePropertyTest {

	private static final String[] LABELS = { "a", "b", "api", "www", "x1", "shop", "mail", "xn--bcher-kva" };

	private static final String[] DOMAINS = { "p0.test", "p1.test", "example.p2.test" };

	@TempDir
	static Path directory;

	static long seed;

	static Set<String> patterns;

	static Map<String, IssuedCertificate> certificateOfPattern;

	static IssuedCertificate fallback;

	static SniServer defaultPolicy;

	static SniServer rejectPolicy;

	@BeforeAll
	static void start() {
		seed = ReliabilitySuite.seed();
		SplittableRandom random = new SplittableRandom(seed);
		TestCa ca = TestCa.shared();
		patterns = new LinkedHashSet<>();
		int wanted = ReliabilitySuite.LONG ? 60 : 30;
		while (patterns.size() < wanted) {
			String base = randomName(random, random.nextInt(3));
			patterns.add(random.nextInt(3) == 0 ? "*." + base : base);
		}
		certificateOfPattern = new LinkedHashMap<>();
		fallback = ca.issue("default.test");
		SniServer.Builder defaults = SniServer.builder(directory.resolve("default")).bundle("fallback", fallback)
			.serverBundle("fallback");
		SniServer.Builder rejects = SniServer.builder(directory.resolve("reject")).bundle("fallback", fallback)
			.serverBundle("fallback")
			.rejectUnknownNames();
		int bundle = 0;
		for (String pattern : patterns) {
			if (certificateOfPattern.containsKey(pattern)) {
				continue;
			}
			// Some certificates cover a name and its wildcard together, as issued certificates often do.
			String partner = pattern.startsWith("*.") ? pattern.substring(2) : "*." + pattern;
			List<String> names = new ArrayList<>(List.of(pattern));
			if (patterns.contains(partner) && !certificateOfPattern.containsKey(partner) && random.nextBoolean()) {
				names.add(partner);
			}
			IssuedCertificate certificate = ca.issue(names.toArray(String[]::new));
			String bundleName = "b" + bundle++;
			defaults.bundle(bundleName, certificate);
			rejects.bundle(bundleName, certificate);
			for (String name : names) {
				certificateOfPattern.put(name, certificate);
				defaults.serve(name, bundleName);
				rejects.serve(name, bundleName);
			}
		}
		defaultPolicy = defaults.start();
		rejectPolicy = rejects.start();
		ReliabilitySuite.report("property", "seed " + seed + ", " + patterns.size() + " patterns: " + patterns);
	}

	@AfterAll
	static void stop() {
		if (defaultPolicy != null) {
			defaultPolicy.close();
		}
		if (rejectPolicy != null) {
			rejectPolicy.close();
		}
	}

	@Test
	void servedCertificateAlwaysCoversTheNameOrIsTheDefaultWhereAllowed() throws Exception {
		SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
		int count = ReliabilitySuite.propertyNames();
		List<String> names = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			names.add(randomRequest(random));
		}
		Map<String, BigInteger> firstServed = new ConcurrentHashMap<>();
		Map<String, LongAdder> tally = new ConcurrentHashMap<>();
		List<String> failures = Collections.synchronizedList(new ArrayList<>());
		TlsClient client = TlsClient.trusting(TestCa.shared());
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> results = new ArrayList<>();
			for (int i = 0; i < names.size(); i++) {
				String name = names.get(i);
				TlsVersion version = (i % 2 == 0) ? TlsVersion.TLS13 : TlsVersion.TLS12;
				boolean reject = i % 3 == 0;
				results.add(executor.submit(() -> {
					String failure = check(client, name, version, reject, firstServed, tally);
					if (failure != null) {
						failures.add(failure);
					}
				}));
			}
			for (Future<?> result : results) {
				result.get();
			}
		}
		finally {
			executor.shutdownNow();
		}
		ReliabilitySuite.report("property", names.size() + " handshakes, " + firstServed.size() + " distinct names, "
				+ failures.size() + " failures; " + new TreeMap<>(tally));
		failures.stream().limit(20).forEach((failure) -> ReliabilitySuite.report("property", "  FAILED " + failure));
		assertThat(failures).as("seed " + seed).isEmpty();
	}

	private static @Nullable String check(TlsClient client, @Nullable String name, TlsVersion version, boolean reject,
			Map<String, BigInteger> firstServed, Map<String, LongAdder> tally) {
		SniServer server = reject ? rejectPolicy : defaultPolicy;
		HandshakeResult result = client.handshake(server.port(), name, version);
		String expectedPattern = (name != null) ? bestPattern(name) : null;
		String where = (reject ? "reject" : "default") + " policy, " + version + ", name " + name + ": ";
		if (name != null && hasInvalidALabel(name)) {
			// SPEC C8: a name that is not valid IDNA ends with internal_error, whatever the policy.
			tally.computeIfAbsent("invalid A-label, internal_error", (k) -> new LongAdder()).increment();
			return (result.alert() != null && result.alert().equals(TlsAlert.INTERNAL_ERROR)) ? null
					: where + "expected alert 80 for an invalid A-label, got " + result;
		}
		if (expectedPattern == null && reject && name != null) {
			tally.computeIfAbsent("unknown, rejected", (k) -> new LongAdder()).increment();
			return (result.alert() != null && result.alert().equals(TlsAlert.UNRECOGNIZED_NAME)) ? null
					: where + "expected alert 112, got " + result;
		}
		if (!result.isSuccess()) {
			return where + "handshake failed: " + result;
		}
		BigInteger served = result.leafCertificate().getSerialNumber();
		if (expectedPattern == null) {
			tally.computeIfAbsent((name == null) ? "no SNI, default" : "unknown, default", (k) -> new LongAdder())
				.increment();
			return served.equals(fallback.serial()) ? null : where + "expected the default, got " + result;
		}
		tally.computeIfAbsent(expectedPattern.startsWith("*.") ? "wildcard" : "exact", (k) -> new LongAdder())
			.increment();
		List<String> sans = result.leafDnsNames();
		if (sans.stream().noneMatch((san) -> covers(san, name))) {
			return where + "served certificate with SANs " + sans + " does not cover it";
		}
		if (!served.equals(certificateOfPattern.get(expectedPattern).serial())) {
			return where + "expected the certificate of '" + expectedPattern + "', got " + result;
		}
		BigInteger first = firstServed.putIfAbsent(name.toLowerCase(Locale.ROOT), served);
		if (first != null && !first.equals(served)) {
			return where + "not deterministic: first " + first.toString(16) + ", now " + served.toString(16);
		}
		return null;
	}

	/** The registered pattern the name must get: an exact pattern, else a wildcard one, else none. */
	private static @Nullable String bestPattern(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (patterns.contains(lower)) {
			return lower;
		}
		int dot = lower.indexOf('.');
		if (dot > 0 && patterns.contains("*" + lower.substring(dot))) {
			return "*" + lower.substring(dot);
		}
		return null;
	}

	/**
	 * Whether a label is an {@code xn--} label that is not a valid A-label: it must decode
	 * to something else and encode back to itself (RFC 5891 §5.4).
	 */
	static boolean hasInvalidALabel(String name) {
		for (String label : name.toLowerCase(Locale.ROOT).split("\\.")) {
			if (label.startsWith("xn--")) {
				String unicode = IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED);
				if (unicode.equalsIgnoreCase(label)
						|| !IDN.toASCII(unicode, IDN.ALLOW_UNASSIGNED).equalsIgnoreCase(label)) {
					return true;
				}
			}
		}
		return false;
	}

	/** RFC 6125 §6.4: case-insensitive; a wildcard is the whole left-most label and stands for exactly one. */
	static boolean covers(String san, String name) {
		String lowerSan = san.toLowerCase(Locale.ROOT);
		String lowerName = name.toLowerCase(Locale.ROOT);
		if (!lowerSan.startsWith("*.")) {
			return lowerSan.equals(lowerName);
		}
		int dot = lowerName.indexOf('.');
		return dot > 0 && lowerName.substring(dot + 1).equals(lowerSan.substring(2));
	}

	/** A name a client might send: exact, under a wildcard, a near miss, a case variant, or none. */
	private static @Nullable String randomRequest(SplittableRandom random) {
		List<String> all = new ArrayList<>(patterns);
		String pattern = all.get(random.nextInt(all.size()));
		String base = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
		String name = switch (random.nextInt(12)) {
			case 0, 1 -> base;
			case 2, 3 -> label(random) + "." + base;
			case 4 -> label(random) + "." + label(random) + "." + base;
			case 5 -> base.substring(base.indexOf('.') + 1);
			case 6 -> "x" + base;
			case 7 -> base + ".evil";
			case 8 -> base.replaceFirst("^[^.]+", label(random));
			case 9 -> randomName(random, random.nextInt(4));
			case 10 -> null;
			default -> label(random) + "-" + base;
		};
		return (name != null && random.nextInt(4) == 0) ? randomCase(random, name) : name;
	}

	private static String randomName(SplittableRandom random, int labels) {
		StringBuilder name = new StringBuilder();
		for (int i = 0; i < labels; i++) {
			name.append(label(random)).append('.');
		}
		return name.append(DOMAINS[random.nextInt(DOMAINS.length)]).toString();
	}

	private static String label(SplittableRandom random) {
		return LABELS[random.nextInt(LABELS.length)];
	}

	private static String randomCase(SplittableRandom random, String name) {
		StringBuilder mixed = new StringBuilder(name.length());
		for (char c : name.toCharArray()) {
			mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
		}
		return mixed.toString();
	}

}
