package io.github.snistarter.reliability;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.github.snistarter.testkit.HandshakeOptions;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;

/**
 * Many clients handshaking for one name while its certificate is rotated. Every client
 * validates the chain against the test CA, checks that the certificate covers the name
 * (endpoint identification), and, as every full TLS handshake does, verifies the
 * server's signature (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange) with the
 * served certificate's key: a certificate served with a key that is not its own fails
 * the handshake. Each handshake uses a fresh client context, so no session is resumed
 * and every handshake shows the certificate the server chose for it.
 */
final class RotationLoad {

	/** Rotates the name to version {@code index} of the list given to {@link #run}. */
	@FunctionalInterface
	interface Rotation {

		void rotateTo(int index, IssuedCertificate version) throws Exception;

	}

	/** When a rotation counts as done, after which no handshake may get an older version. */
	enum Applied {

		/** When {@link Rotation#rotateTo} returns (the runtime API: "the next handshake sees it"). */
		ON_RETURN,

		/** When a handshake first shows the new version (files, picked up by a watcher). */
		WHEN_SERVED

	}

	/**
	 * What the clients saw.
	 * @param handshakes completed handshakes (successful or not)
	 * @param failures failed handshakes and wrong certificates, described
	 * @param servedPerVersion how many handshakes got each version
	 * @param took the run's duration
	 */
	record Result(long handshakes, List<String> failures, long[] servedPerVersion, Duration took) {
	}

	private static final HandshakeOptions OPTIONS = HandshakeOptions.defaults()
		.readTimeout(Duration.ofSeconds(60))
		.verifyHostname(true);

	private final TrustManager[] trustManagers;

	RotationLoad(TestCa ca) throws GeneralSecurityException {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(ca.trustStore());
		this.trustManagers = factory.getTrustManagers();
	}

	/**
	 * Run the clients, rotate through the versions (the first is already served), and
	 * after each rotation wait until a handshake shows the new version before the next.
	 * A handshake may show only a version between the last one applied when it started
	 * and the last one written when it ended.
	 */
	Result run(int port, String serverName, List<IssuedCertificate> versions, int clients, Applied applied,
			Rotation rotation) throws Exception {
		List<BigInteger> serials = versions.stream().map(IssuedCertificate::serial).toList();
		AtomicInteger written = new AtomicInteger(0);
		AtomicInteger done = new AtomicInteger(0);
		AtomicBoolean stop = new AtomicBoolean();
		AtomicLongArray served = new AtomicLongArray(versions.size());
		LongAdder handshakes = new LongAdder();
		List<String> failures = Collections.synchronizedList(new ArrayList<>());
		ExecutorService executor = Executors.newFixedThreadPool(clients);
		long start = System.nanoTime();
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				TlsVersion version = (i % 2 == 0) ? TlsVersion.TLS13 : TlsVersion.TLS12;
				workers.add(executor.submit(() -> {
					while (!stop.get()) {
						int before = done.get();
						HandshakeResult result = client().handshake(port, serverName, version, OPTIONS);
						int after = written.get();
						handshakes.increment();
						String failure = judge(result, serials, before, after);
						if (failure != null) {
							failures.add(failure);
						}
						else {
							served.incrementAndGet(serials.indexOf(result.leafCertificate().getSerialNumber()));
						}
					}
					return null;
				}));
			}
			for (int index = 1; index < versions.size(); index++) {
				written.set(index);
				rotation.rotateTo(index, versions.get(index));
				if (applied == Applied.ON_RETURN) {
					done.set(index);
				}
				awaitServed(port, serverName, serials.get(index));
				done.set(index);
			}
			stop.set(true);
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			stop.set(true);
			executor.shutdownNow();
		}
		long[] perVersion = new long[versions.size()];
		for (int i = 0; i < perVersion.length; i++) {
			perVersion[i] = served.get(i);
		}
		return new Result(handshakes.sum(), List.copyOf(failures), perVersion,
				Duration.ofNanos(System.nanoTime() - start));
	}

	private static String judge(HandshakeResult result, List<BigInteger> serials, int before, int after) {
		if (!result.isSuccess()) {
			return "failed handshake: " + result;
		}
		if (result.resumed()) {
			return "resumed a session: " + result;
		}
		int index = serials.indexOf(result.leafCertificate().getSerialNumber());
		if (index < 0) {
			return "a certificate that was never registered: " + result;
		}
		if (index < before || index > after) {
			return "version " + index + " while versions " + before + " to " + after + " were current: " + result;
		}
		return null;
	}

	private void awaitServed(int port, String serverName, BigInteger serial) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			HandshakeResult result = client().handshake(port, serverName, TlsVersion.TLS13, OPTIONS);
			if (result.isSuccess() && result.leafCertificate().getSerialNumber().equals(serial)) {
				return;
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("Version " + serial.toString(16) + " was not served within 60 s");
	}

	/** A client with its own context, so it has no session to resume. */
	private TlsClient client() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, this.trustManagers, null);
			return TlsClient.using(context);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
