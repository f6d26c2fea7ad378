package io.github.snistarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.store.RuntimeCertificates;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One server variant, run in its own JVM by {@link ServerProcess}: a Spring Boot
 * application on embedded Tomcat serving HTTPS on a random loopback port, configured the
 * way a user would configure it. Prints {@code BENCH READY port=... startMillis=...} when
 * it accepts connections, then answers {@code heap} (used heap after full collections),
 * {@code cpu} (CPU time used so far),
 * {@code select N} (run the callback for the first N names) and {@code quit} on
 * standard input; end of input quits too.
 */
public final class BenchServer {

	private BenchServer() {
	}

	/**
	 * Start a variant.
	 * @param args variant, number of names, key kind, data directory
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		Variant variant = Variant.valueOf(args[0].toUpperCase(Locale.ROOT));
		int names = Integer.parseInt(args[1]);
		BenchCertificates certificates = new BenchCertificates(Path.of(args[3]),
				BenchCertificates.KeyKind.valueOf(args[2].toUpperCase(Locale.ROOT)));
		Map<String, Object> properties = properties(variant, names, certificates);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
		if (variant == Variant.RUNTIME) {
			RuntimeCertificates runtime = context.getBean(RuntimeCertificates.class);
			for (int i = 0; i < names; i++) {
				runtime.register(Files.readString(certificates.certificate(i), StandardCharsets.US_ASCII),
						Files.readString(certificates.key(i), StandardCharsets.US_ASCII));
			}
		}
		long startMillis = ManagementFactory.getRuntimeMXBean().getUptime();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		long cpuMillis = processCpuNanos() / 1_000_000;
		System.out.println("BENCH READY port=" + port + " startMillis=" + startMillis + " cpuMillis=" + cpuMillis);
		System.out.flush();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
		String command;
		while ((command = commands.readLine()) != null) {
			if (command.equals("heap")) {
				System.out.println("BENCH HEAP used=" + usedHeapAfterGc());
			}
			else if (command.equals("cpu")) {
				System.out.println("BENCH CPU nanos=" + processCpuNanos());
			}
			else if (command.startsWith("select ")) {
				System.out.println("BENCH SELECTED failed=" + selectEach(context, Integer.parseInt(command.substring(7))));
			}
			else if (command.equals("quit")) {
				break;
			}
			System.out.flush();
		}
		context.close();
		System.exit(0);
	}

	/**
	 * Run the active callback once for each name, as the first handshake for it would:
	 * for the starter this builds and caches each certificate's context. Variants
	 * without the starter build every context at start and have nothing to do.
	 */
	private static long selectEach(ConfigurableApplicationContext context, int names) throws Exception {
		ServerNameCallback callback = context.getBeanProvider(ServerNameCallback.class).getIfAvailable();
		if (callback == null) {
			return 0;
		}
		SSLContext defaultContext = SSLContext.getDefault();
		long failed = 0;
		for (int i = 0; i < names; i++) {
			String name = BenchCertificates.name(i);
			ClientHello hello = new ClientHello(name, name, List.of("http/1.1"), List.of(0x1301, 0x1302),
					List.of("TLSv1.3"), List.of(0x0403, 0x0804), List.of(0x001d, 0x0017), null, defaultContext);
			if (!(callback.select(hello) instanceof SniDecision.UseContext)) {
				failed++;
			}
		}
		return failed;
	}

	/** CPU time of this JVM, all threads (the server's whole cost, garbage collection included). */
	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	static long usedHeapAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(200);
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static Map<String, Object> properties(Variant variant, int names, BenchCertificates certificates)
			throws IOException {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		properties.put("spring.jmx.enabled", "false");
		properties.put("server.ssl.bundle", "main");
		if (variant == Variant.PLAIN) {
			bundle(properties, "main", certificates.certificate(0), certificates.key(0));
			properties.put("sni.enabled", "false");
			return properties;
		}
		bundle(properties, "main", certificates.defaultCertificate(), certificates.defaultKey());
		switch (variant) {
			case BOOT -> {
				properties.put("sni.enabled", "false");
				for (int i = 0; i < names; i++) {
					bundle(properties, "b" + i, certificates.certificate(i), certificates.key(i));
					properties.put("server.ssl.server-name-bundles[" + i + "].server-name", BenchCertificates.name(i));
					properties.put("server.ssl.server-name-bundles[" + i + "].bundle", "b" + i);
				}
			}
			case CONFIG -> {
				for (int i = 0; i < names; i++) {
					bundle(properties, "b" + i, certificates.certificate(i), certificates.key(i));
					properties.put("sni.server-name-bundles[" + i + "].server-name", BenchCertificates.name(i));
					properties.put("sni.server-name-bundles[" + i + "].bundle", "b" + i);
				}
			}
			case DIRECTORY -> properties.put("sni.directory.path", certificates.directoryPath(names).toString());
			case RUNTIME -> {
				// Registered through the API once the application has started.
			}
			default -> throw new IllegalArgumentException(variant.toString());
		}
		return properties;
	}

	private static void bundle(Map<String, Object> properties, String name, Path certificate, Path key) {
		String prefix = "spring.ssl.bundle.pem." + name + ".keystore.";
		properties.put(prefix + "certificate", "file:" + certificate);
		properties.put(prefix + "private-key", "file:" + key);
	}

	/** The server variants compared. */
	enum Variant {

		/** (a) Tomcat with one static certificate, no starter. */
		PLAIN("a", "plain Tomcat, one certificate"),

		/** (b) Spring Boot's server.ssl.server-name-bundles. */
		BOOT("b", "Spring Boot server-name-bundles"),

		/** (c) the starter, names from sni.server-name-bundles. */
		CONFIG("c-config", "starter, configuration"),

		/** (c) the starter, names from a directory of PEM files. */
		DIRECTORY("c-dir", "starter, directory"),

		/** (c) the starter, names registered through RuntimeCertificates. */
		RUNTIME("c-api", "starter, runtime API");

		private final String label;

		private final String description;

		Variant(String label, String description) {
			this.label = label;
			this.description = description;
		}

		String label() {
			return this.label;
		}

		String description() {
			return this.description;
		}

	}

	/** The application: auto-configuration only, as a user's application with the starter. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class BenchApplication {

	}

}
