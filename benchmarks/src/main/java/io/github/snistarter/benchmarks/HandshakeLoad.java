package io.github.snistarter.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.HdrHistogram.Histogram;

/**
 * The handshake load tool: client threads that each do full TLS handshakes (never a
 * resumption) against a server on loopback, with SNI names taken from a sequence, and
 * report handshakes per second and the latency distribution.
 * <p>
 * One handshake is: open a TCP connection, send the ClientHello with the next name,
 * complete the handshake, check the certificate served is the expected one (optional),
 * then close with an RST so that no socket lingers in TIME_WAIT. Each thread has its own
 * client context, whose session cache is emptied after every handshake and checked
 * empty before the next, so no ClientHello can offer a session to resume: the result
 * counts any handshake that started with a cached session as {@code resumable}, which
 * must be 0.
 */
final class HandshakeLoad {

	private final int port;

	private final String protocol;

	private final int threads;

	private final IntFunction<String> names;

	private final int nameCount;

	/** One client context per thread, so that one thread's sessions are never another's to resume. */
	private final ThreadLocal<SSLContext> clientContext = ThreadLocal.withInitial(HandshakeLoad::trustAllContext);

	private final boolean expectNamedCertificate;

	/**
	 * A load.
	 * @param port the server's port on 127.0.0.1
	 * @param protocol the TLS version, such as {@code TLSv1.3}
	 * @param threads client threads
	 * @param names the server name for each index
	 * @param nameCount how many names to rotate over
	 * @param expectNamedCertificate whether each name must get its own certificate
	 * ({@code CN=} the name), rather than one static certificate
	 */
	HandshakeLoad(int port, String protocol, int threads, IntFunction<String> names, int nameCount,
			boolean expectNamedCertificate) {
		this.expectNamedCertificate = expectNamedCertificate;
		this.port = port;
		this.protocol = protocol;
		this.threads = threads;
		this.names = names;
		this.nameCount = nameCount;
	}

	/**
	 * Run the load.
	 * @param warmupMillis time whose handshakes are not counted
	 * @param measureMillis measured time
	 * @return the result of the measured period
	 * @throws InterruptedException when interrupted
	 */
	Result run(long warmupMillis, long measureMillis) throws InterruptedException {
		Histogram histogram = new Histogram(60_000_000_000L, 3);
		AtomicLong completed = new AtomicLong();
		AtomicLong all = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicLong resumable = new AtomicLong();
		AtomicInteger next = new AtomicInteger();
		AtomicLong wrongCertificate = new AtomicLong();
		long start = System.nanoTime();
		long measureStart = start + warmupMillis * 1_000_000L;
		long end = measureStart + measureMillis * 1_000_000L;
		List<Thread> workers = new ArrayList<>();
		List<Throwable> firstFailure = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(this.threads);
		for (int t = 0; t < this.threads; t++) {
			Thread worker = new Thread(() -> {
				Histogram local = new Histogram(60_000_000_000L, 3);
				try {
					long now = System.nanoTime();
					while (now < end) {
						int index = Math.floorMod(next.getAndIncrement(), this.nameCount);
						String name = this.names.apply(index);
						long begin = System.nanoTime();
						try {
							Outcome outcome = handshake(name);
							all.incrementAndGet();
							now = System.nanoTime();
							if (begin >= measureStart && now <= end) {
								local.recordValue(now - begin);
								completed.incrementAndGet();
								if (outcome.resumable) {
									resumable.incrementAndGet();
								}
								if (!outcome.nameMatched) {
									wrongCertificate.incrementAndGet();
								}
							}
						}
						catch (IOException | RuntimeException ex) {
							now = System.nanoTime();
							if (begin >= measureStart) {
								failed.incrementAndGet();
							}
							synchronized (firstFailure) {
								if (firstFailure.isEmpty()) {
									firstFailure.add(ex);
								}
							}
						}
					}
				}
				finally {
					synchronized (histogram) {
						histogram.add(local);
					}
					done.countDown();
				}
			}, "handshake-load-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		done.await();
		double seconds = measureMillis / 1000.0;
		Throwable failure = firstFailure.isEmpty() ? null : firstFailure.get(0);
		return new Result(completed.get(), all.get(), failed.get(), resumable.get(), wrongCertificate.get(),
				completed.get() / seconds, histogram.getValueAtPercentile(50) / 1000.0,
				histogram.getValueAtPercentile(99) / 1000.0, (failure != null) ? failure.toString() : null);
	}

	/**
	 * One handshake for each name, spread over the threads, as fast as possible.
	 * @return the number of failed handshakes
	 * @throws InterruptedException when interrupted
	 */
	long touchEach() throws InterruptedException {
		AtomicInteger next = new AtomicInteger();
		AtomicLong failed = new AtomicLong();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < this.threads; t++) {
			Thread worker = new Thread(() -> {
				int index;
				while ((index = next.getAndIncrement()) < this.nameCount) {
					try {
						handshake(this.names.apply(index));
					}
					catch (IOException | RuntimeException ex) {
						failed.incrementAndGet();
					}
				}
			});
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join();
		}
		return failed.get();
	}

	private Outcome handshake(String name) throws IOException {
		SSLContext context = this.clientContext.get();
		SSLSessionContext sessions = context.getClientSessionContext();
		boolean resumable = sessions.getIds().hasMoreElements();
		Socket tcp = new Socket();
		try {
			tcp.setTcpNoDelay(true);
			tcp.setSoLinger(true, 0);
			tcp.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			tcp.setSoTimeout(10_000);
			SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, name, this.port, true);
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(name)));
			parameters.setProtocols(new String[] { this.protocol });
			tls.setSSLParameters(parameters);
			tls.startHandshake();
			SSLSession session = tls.getSession();
			boolean matched = served(session, name);
			session.invalidate();
			return new Outcome(resumable, matched);
		}
		finally {
			tcp.close();
		}
	}

	/** Whether the certificate served is the requested name's (when each name has its own). */
	private boolean served(SSLSession session, String name) throws IOException {
		try {
			X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
			return !this.expectNamedCertificate || leaf.getSubjectX500Principal().getName().equals("CN=" + name);
		}
		catch (javax.net.ssl.SSLPeerUnverifiedException ex) {
			return false;
		}
	}

	private static SSLContext trustAllContext() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { new TrustAll() }, null);
			context.getClientSessionContext().setSessionCacheSize(1);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Outcome(boolean resumable, boolean nameMatched) {
	}

	/**
	 * What a load run measured.
	 *
	 * @param handshakes full handshakes completed in the measured period
	 * @param allHandshakes full handshakes completed, warm-up included
	 * @param failures handshakes that failed in the measured period
	 * @param resumable handshakes that could have offered a session to resume (must be 0)
	 * @param wrongCertificate handshakes served a certificate for another name
	 * @param perSecond handshakes per second
	 * @param p50Micros median latency of one handshake (connect to handshake done)
	 * @param p99Micros 99th percentile latency
	 * @param firstFailure the first failure, for diagnosis
	 */
	record Result(long handshakes, long allHandshakes, long failures, long resumable, long wrongCertificate, double perSecond,
			double p50Micros, double p99Micros, String firstFailure) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%.0f handshakes/s, p50 %.0f µs, p99 %.0f µs (%d handshakes, %d failed, %d resumable, %d wrong"
							+ " certificate)%s",
					this.perSecond, this.p50Micros, this.p99Micros, this.handshakes, this.failures, this.resumable,
					this.wrongCertificate, (this.firstFailure != null) ? "; first failure: " + this.firstFailure : "");
		}

	}

	/** The client verifies nothing: the benchmark measures the server, not the client's PKIX checks. */
	private static final class TrustAll implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
