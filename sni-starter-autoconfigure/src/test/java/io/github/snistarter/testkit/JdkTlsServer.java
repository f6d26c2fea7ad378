package io.github.snistarter.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A tiny JSSE HTTPS server on {@value TlsClient#LOOPBACK} and a random port, independent of
 * any project code, to check the kit's clients against. Each connection: handshake, read one
 * request head, answer {@code 200} with body {@code sni=<name or none>}, close. Sockets time
 * out after 2 s and {@link #close()} stops everything.
 */
public final class JdkTlsServer implements AutoCloseable {

	private static final int SOCKET_TIMEOUT_MILLIS = 2000;

	private final SSLServerSocket serverSocket;

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "jdk-tls-test-server");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();

	private final List<String> sniNames = new CopyOnWriteArrayList<>();

	private JdkTlsServer(SSLServerSocket serverSocket) {
		this.serverSocket = serverSocket;
	}

	/** Starts a server with the context's defaults. */
	public static JdkTlsServer start(SSLContext context) {
		return start(context, (parameters) -> {
		});
	}

	/**
	 * Starts a server whose {@link SSLParameters} the customizer may change (ALPN protocols,
	 * SNI matchers, protocols, cipher suites, ...).
	 */
	public static JdkTlsServer start(SSLContext context, Consumer<SSLParameters> customizer) {
		try {
			SSLServerSocket serverSocket = (SSLServerSocket) context.getServerSocketFactory()
				.createServerSocket(0, 50, InetAddress.getByName(TlsClient.LOOPBACK));
			SSLParameters parameters = serverSocket.getSSLParameters();
			customizer.accept(parameters);
			serverSocket.setSSLParameters(parameters);
			JdkTlsServer server = new JdkTlsServer(serverSocket);
			server.executor.execute(server::acceptLoop);
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start test TLS server", ex);
		}
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * The SNI host name of every completed handshake in order ({@code ""} when the client
	 * sent none).
	 */
	public List<String> sniNames() {
		return List.copyOf(this.sniNames);
	}

	@Override
	public void close() {
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			// ignore
		}
		this.openSockets.forEach(JdkTlsServer::closeQuietly);
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.openSockets.add(socket);
				this.executor.execute(() -> serve((SSLSocket) socket));
			}
			catch (IOException ex) {
				// closed, or a failed accept: the loop condition decides
			}
		}
	}

	private void serve(SSLSocket socket) {
		try (socket) {
			socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
			socket.startHandshake();
			String sni = requestedSni((ExtendedSSLSession) socket.getSession());
			this.sniNames.add(sni);
			if (readRequestHead(socket.getInputStream())) {
				byte[] body = ("sni=" + (sni.isEmpty() ? "none" : sni)).getBytes(StandardCharsets.UTF_8);
				OutputStream out = socket.getOutputStream();
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
						+ "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.write(body);
				out.flush();
			}
		}
		catch (IOException ex) {
			// handshake failures and timeouts are what the clients under test observe
		}
		finally {
			this.openSockets.remove(socket);
		}
	}

	private static boolean readRequestHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		try {
			for (int b = in.read(); b != -1; b = in.read()) {
				head.write(b);
				if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			// no request
		}
		return false;
	}

	private static String requestedSni(ExtendedSSLSession session) {
		for (SNIServerName name : session.getRequestedServerNames()) {
			if (name instanceof SNIHostName hostName) {
				return hostName.getAsciiName();
			}
		}
		return "";
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// ignore
		}
	}

}
