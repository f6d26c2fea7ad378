package io.github.snistarter.actuate;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jspecify.annotations.Nullable;

/**
 * Finds out which certificate a context presents to a client without SNI, by running
 * that handshake in memory, with a client that accepts any certificate. This checks what
 * reading the configuration cannot: that the context has a key, that the key matches
 * its certificate and that the server can sign with it. The result is kept per context,
 * so a check costs one in-memory handshake each time the default context changes; no
 * socket is opened and the handshake metrics do not see it.
 */
final class DefaultCertificateProbe {

	private static final int MAX_STEPS = 64;

	private volatile @Nullable Result last;

	/**
	 * What a client without SNI gets from the context.
	 * @param context the default context, {@code null} when there is none
	 * @return the chain it presents, or why it presents none
	 */
	Result probe(@Nullable SSLContext context) {
		if (context == null) {
			return new Result(null, List.of(), "No default certificate is configured (server.ssl or sni.default-bundle)");
		}
		Result last = this.last;
		if (last != null && last.context() == context) {
			return last;
		}
		Result result = handshake(context);
		this.last = result;
		return result;
	}

	private static Result handshake(SSLContext context) {
		CapturingTrustManager captured = new CapturingTrustManager();
		String problem = null;
		try {
			SSLContext clientContext = SSLContext.getInstance("TLS");
			clientContext.init(null, new TrustManager[] { captured }, null);
			SSLEngine client = clientContext.createSSLEngine();
			client.setUseClientMode(true);
			SSLEngine server = context.createSSLEngine();
			server.setUseClientMode(false);
			if (!run(client, server)) {
				problem = "the handshake did not complete";
			}
		}
		catch (Exception ex) {
			problem = String.valueOf(ex.getMessage());
		}
		if (problem == null && captured.chain().isEmpty()) {
			problem = "no certificate was sent";
		}
		return new Result(context, captured.chain(),
				(problem != null) ? "The default certificate cannot be served: " + problem : null);
	}

	/** Runs both sides of a handshake; the client sends no SNI. */
	private static boolean run(SSLEngine client, SSLEngine server) throws SSLException {
		int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
		ByteBuffer toServer = ByteBuffer.allocate(size * 4);
		ByteBuffer toClient = ByteBuffer.allocate(size * 4);
		ByteBuffer application = ByteBuffer.allocate(
				Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize()));
		ByteBuffer empty = ByteBuffer.allocate(0);
		client.beginHandshake();
		server.beginHandshake();
		for (int step = 0; step < MAX_STEPS; step++) {
			step(client, empty, toServer, toClient, application);
			step(server, empty, toClient, toServer, application);
			if (done(client) && done(server) && toClient.position() == 0 && toServer.position() == 0) {
				return true;
			}
		}
		return false;
	}

	private static boolean done(SSLEngine engine) {
		HandshakeStatus status = engine.getHandshakeStatus();
		return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
	}

	/** Let one engine produce what it has and consume what it got. */
	private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer outbound, ByteBuffer inbound,
			ByteBuffer application) throws SSLException {
		runTasks(engine);
		if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
			engine.wrap(empty, outbound);
		}
		inbound.flip();
		while (inbound.hasRemaining()) {
			runTasks(engine);
			application.clear();
			SSLEngineResult result = engine.unwrap(inbound, application);
			runTasks(engine);
			if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
				break;
			}
		}
		inbound.compact();
		runTasks(engine);
	}

	private static void runTasks(SSLEngine engine) {
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

	/**
	 * The outcome of a probe.
	 *
	 * @param context the context probed
	 * @param chain the chain it presents, leaf first; empty when it cannot serve
	 * @param problem why it cannot serve, {@code null} when it can
	 */
	record Result(@Nullable SSLContext context, List<X509Certificate> chain, @Nullable String problem) {

		@Nullable X509Certificate leaf() {
			return this.chain.isEmpty() ? null : this.chain.get(0);
		}

	}

	/** Accepts any chain and remembers it: the probe only wants to see what is sent. */
	private static final class CapturingTrustManager extends X509ExtendedTrustManager {

		private volatile List<X509Certificate> chain = List.of();

		List<X509Certificate> chain() {
			return this.chain;
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
			this.chain = List.of(chain);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
			this.chain = List.of(chain);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
			this.chain = List.of(chain);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
			throw new UnsupportedOperationException();
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
