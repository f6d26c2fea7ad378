package io.github.snistarter.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.snistarter.server.SniServer;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * What "the server is healthy afterwards" means for the reliability suite, read in
 * process: no Tomcat worker thread busy in the starter's code, no connection left open,
 * a log without a flood of stack traces, and a heap whose live size can be measured.
 */
final class ServerHealth {

	private ServerHealth() {
	}

	/**
	 * The connections the server's connector holds open. Tomcat's own connection count is
	 * one higher while its acceptor waits (it counts the next connection up front), so
	 * this asks the endpoint for its open sockets instead.
	 */
	static long connectionCount(SniServer server) {
		TomcatWebServer webServer = (TomcatWebServer) ((WebServerApplicationContext) server.context()).getWebServer();
		AbstractProtocol<?> protocol = (AbstractProtocol<?>) webServer.getTomcat().getConnector().getProtocolHandler();
		try {
			Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
			getEndpoint.setAccessible(true);
			return ((AbstractEndpoint<?, ?>) getEndpoint.invoke(protocol)).getConnections().size();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot read Tomcat's open connections", ex);
		}
	}

	/**
	 * Wait until the connector has no open connection.
	 * @return the count when the wait ended (0 unless connections linger)
	 */
	static long awaitNoConnections(SniServer server, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		long count = connectionCount(server);
		while (count > 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
			count = connectionCount(server);
		}
		return count;
	}

	/**
	 * Tomcat worker threads ({@code *-exec-*}) that are running code of the starter,
	 * sampled several times: a thread seen there in every sample is stuck.
	 */
	static List<String> workersStuckInStarter(int samples, Duration interval) throws InterruptedException {
		List<String> stuck = null;
		for (int i = 0; i < samples; i++) {
			List<String> busy = new ArrayList<>();
			for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
				if (thread.getThreadName().contains("-exec-") && thread.getThreadState() == Thread.State.RUNNABLE
						&& Arrays.stream(thread.getStackTrace())
							.anyMatch((frame) -> frame.getClassName().startsWith("io.github.snistarter.")
									&& !frame.getClassName().startsWith("io.github.snistarter.reliability."))) {
					busy.add(thread.getThreadName() + " " + Arrays.toString(thread.getStackTrace()));
				}
			}
			if (stuck == null) {
				stuck = busy;
			}
			else {
				stuck.removeIf((entry) -> busy.stream()
					.noneMatch((other) -> other.startsWith(entry.substring(0, entry.indexOf(' ') + 1))));
			}
			if (stuck.isEmpty()) {
				return stuck;
			}
			Thread.sleep(interval.toMillis());
		}
		return stuck;
	}

	/** Lines of stack traces ({@code \tat ...}) in the captured output. */
	static long stackTraceLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.startsWith("\tat ")).count()
				+ output.getErr().lines().filter((line) -> line.startsWith("\tat ")).count();
	}

	/** Log lines at WARN or ERROR in the captured output. */
	static List<String> warnAndErrorLines(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") || line.contains(" ERROR "))
			.toList();
	}

	/** Used heap in bytes after a full collection (several, to let finalization settle). */
	static long usedHeapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static String mebibytes(long bytes) {
		return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
	}

}
