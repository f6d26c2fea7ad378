package io.github.snistarter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchServer} variant in a child JVM started with this JVM's class path.
 * Everything the child prints goes to a log file, except its {@code BENCH} lines.
 */
final class ServerProcess implements AutoCloseable {

	private final Process process;

	private final PrintWriter commands;

	private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

	private final String description;

	private int port;

	private long startMillis;

	private long readyMillis;

	private long cpuMillis;

	private ServerProcess(Process process, String description, Path log) throws IOException {
		this.process = process;
		this.description = description;
		this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII),
				true);
		Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)); logWriter) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("BENCH ")) {
						this.replies.add(line.substring(6));
					}
					else {
						logWriter.write(line);
						logWriter.write('\n');
						logWriter.flush();
					}
				}
			}
			catch (IOException ex) {
				// The child ended.
			}
			this.replies.add("EXIT");
		}, "server-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start a variant and wait until it accepts connections.
	 * @param variant the variant
	 * @param names how many names it serves
	 * @param certificates the certificates
	 * @param maxHeap the child's -Xmx, such as {@code 1g}
	 * @param timeoutSeconds how long to wait for it to start
	 * @param log where the child's output goes
	 * @return the running server, or {@code null} when it did not start in time or failed
	 * @throws IOException when the process cannot be started
	 * @throws InterruptedException when interrupted
	 */
	static ServerProcess start(BenchServer.Variant variant, int names, BenchCertificates certificates, String maxHeap,
			long timeoutSeconds, Path log) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx" + maxHeap);
		command.add("-Xms256m");
		command.add("-XX:+UseG1GC");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(BenchServer.class.getName());
		command.add(variant.name());
		command.add(Integer.toString(names));
		command.add(certificates.kind().name());
		command.add(Benchmarks.dataDirectory().toString());
		Files.writeString(log, "\n=== " + variant + " " + names + " " + certificates.kind() + "\n",
				StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		long launch = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		ServerProcess server = new ServerProcess(process,
				variant.label() + " " + variant.description() + ", " + names + " names, " + certificates.kind(), log);
		String ready = server.replies.poll(timeoutSeconds, TimeUnit.SECONDS);
		if (ready == null || !ready.startsWith("READY")) {
			System.err.println("  " + server.description + ": " + ((ready == null)
					? "did not start within " + timeoutSeconds + " s" : "failed to start") + " (see " + log + ")");
			server.close();
			return null;
		}
		server.readyMillis = (System.nanoTime() - launch) / 1_000_000;
		for (String part : ready.split(" ")) {
			if (part.startsWith("port=")) {
				server.port = Integer.parseInt(part.substring(5));
			}
			else if (part.startsWith("cpuMillis=")) {
				server.cpuMillis = Long.parseLong(part.substring(10));
			}
			else if (part.startsWith("startMillis=")) {
				server.startMillis = Long.parseLong(part.substring(12));
			}
		}
		return server;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/** Milliseconds from launching the JVM to accepting connections, as seen from outside. */
	long readyMillis() {
		return this.readyMillis;
	}

	/** CPU time the server's JVM used (all its threads) until it was ready. */
	long cpuMillis() {
		return this.cpuMillis;
	}

	/** The JVM's uptime when the application was ready, as seen inside. */
	long startMillis() {
		return this.startMillis;
	}

	String description() {
		return this.description;
	}

	/** Heap in use after full collections. */
	long usedHeap() throws InterruptedException {
		this.commands.println("heap");
		String reply = this.replies.poll(120, TimeUnit.SECONDS);
		if (reply == null || !reply.startsWith("HEAP used=")) {
			throw new IllegalStateException("No heap figure from " + this.description + ": " + reply);
		}
		return Long.parseLong(reply.substring(10));
	}

	/** CPU time the server's JVM has used so far, all threads. */
	long cpuNanos() throws InterruptedException {
		this.commands.println("cpu");
		String reply = this.replies.poll(60, TimeUnit.SECONDS);
		if (reply == null || !reply.startsWith("CPU nanos=")) {
			throw new IllegalStateException("No CPU figure from " + this.description + ": " + reply);
		}
		return Long.parseLong(reply.substring(10));
	}

	/** Run the server's callback once for each of the first {@code names} names, in its JVM. */
	long selectEach(int names) throws InterruptedException {
		this.commands.println("select " + names);
		String reply = this.replies.poll(30, TimeUnit.MINUTES);
		if (reply == null || !reply.startsWith("SELECTED failed=")) {
			throw new IllegalStateException("No selection result from " + this.description + ": " + reply);
		}
		return Long.parseLong(reply.substring(16));
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.commands.println("quit");
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

}
