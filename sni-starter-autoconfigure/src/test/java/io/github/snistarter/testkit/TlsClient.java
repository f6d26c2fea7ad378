package io.github.snistarter.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

/**
 * A JSSE ({@link SSLSocket}) TLS client for tests. It always connects to an IP address
 * (default {@value #LOOPBACK}) and sets SNI explicitly, so {@code sniName == null} really
 * sends no {@code server_name} extension.
 * <p>
 * One instance owns one {@link SSLContext} and so one client session cache: connect twice
 * with the same instance to try session resumption. The cache is keyed by SNI name (like a
 * browser keys it by host), because JSSE, when it resumes a cached session, sends the SNI
 * of that session rather than the one configured; a JSSE client therefore can never offer a
 * session under a different SNI name. Use {@link OpenSslClient} with {@code -sess_out} /
 * {@code -sess_in} for that.
 */
public final class TlsClient {

	/** The address tests connect to. */
	public static final String LOOPBACK = "127.0.0.1";

	private static final Pattern RECEIVED_ALERT = Pattern.compile("Received (fatal|warning) alert: (\\w+)");

	private final SSLContext sslContext;

	private TlsClient(SSLContext sslContext) {
		this.sslContext = sslContext;
	}

	/** A client that accepts any server certificate (tests assert on the certificate themselves). */
	public static TlsClient trustAll() {
		return withTrustManagers(new TrustManager[] { TrustAllTrustManager.INSTANCE });
	}

	/** A client that validates the server chain against the CA certificates of the trust store. */
	public static TlsClient trusting(KeyStore trustStore) {
		try {
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(trustStore);
			return withTrustManagers(factory.getTrustManagers());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A client that validates the server chain against the test CA. */
	public static TlsClient trusting(TestCa ca) {
		return trusting(ca.trustStore());
	}

	/** A client using the given context (and its session cache). */
	public static TlsClient using(SSLContext sslContext) {
		return new TlsClient(sslContext);
	}

	/** The context, e.g. to inspect its client session cache. */
	public SSLContext sslContext() {
		return this.sslContext;
	}

	/** Handshake with {@value #LOOPBACK}{@code :port} using default options. */
	public HandshakeResult handshake(int port, @Nullable String sniName, TlsVersion version) {
		return handshake(LOOPBACK, port, sniName, version, HandshakeOptions.defaults());
	}

	/** Handshake with {@value #LOOPBACK}{@code :port}. */
	public HandshakeResult handshake(int port, @Nullable String sniName, TlsVersion version,
			HandshakeOptions options) {
		return handshake(LOOPBACK, port, sniName, version, options);
	}

	/**
	 * Connects, performs one handshake, closes, and reports what happened. Network and TLS
	 * failures do not throw; they become the result's {@link HandshakeResult.Outcome}.
	 * Misuse does: {@link IllegalArgumentException} for a name {@link SNIHostName} rejects,
	 * {@link UnsupportedOperationException} for signature schemes before JDK 19.
	 * @param host IP address to connect to (a host name would work but is pointless: SNI
	 * is set only from {@code sniName})
	 * @param sniName the SNI host name to send, or {@code null} to send no SNI; must be a
	 * name {@link SNIHostName} accepts (use {@link RawClientHello} for malformed names)
	 */
	public HandshakeResult handshake(String host, int port, @Nullable String sniName, TlsVersion version,
			HandshakeOptions options) {
		try (Connection connection = connect(host, port, sniName, version, options)) {
			return connection.result;
		}
	}

	/**
	 * {@code GET path} over HTTP/1.1 and TLS 1.3 to {@value #LOOPBACK}{@code :port}, with
	 * {@code Connection: close}, reading the response until the server closes.
	 * @param hostHeader the Host header; when {@code null}, {@code sniName} (or the IP)
	 * followed by {@code :port}
	 * @throws IllegalStateException if the handshake fails or the response cannot be read
	 */
	public HttpsResponse httpsGet(int port, @Nullable String sniName, String path, @Nullable String hostHeader) {
		return httpsGet(port, sniName, path, hostHeader, TlsVersion.TLS13, HandshakeOptions.defaults());
	}

	/** Like {@link #httpsGet(int, String, String, String)} with a chosen version and options. */
	public HttpsResponse httpsGet(int port, @Nullable String sniName, String path, @Nullable String hostHeader,
			TlsVersion version, HandshakeOptions options) {
		String host = (hostHeader != null) ? hostHeader : ((sniName != null) ? sniName : LOOPBACK) + ":" + port;
		try (Connection connection = connect(LOOPBACK, port, sniName, version,
				options.postHandshakeRead(Duration.ZERO))) {
			if (!connection.result.isSuccess() || connection.socket == null) {
				throw new IllegalStateException("Handshake failed: " + connection.result);
			}
			SSLSocket socket = connection.socket;
			String request = "GET " + path + " HTTP/1.1\r\nHost: " + host
					+ "\r\nUser-Agent: sni-starter-testkit\r\nAccept: */*\r\nConnection: close\r\n\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return HttpsResponse.parse(readUntilClosed(socket.getInputStream()), connection.result);
		}
		catch (IOException ex) {
			throw new IllegalStateException("HTTPS GET " + path + " failed", ex);
		}
	}

	private Connection connect(String host, int port, @Nullable String sniName, TlsVersion version,
			HandshakeOptions options) {
		int timeoutMillis = Math.toIntExact(options.readTimeout().toMillis());
		Set<String> cachedSessions = cachedSessionIds();
		Socket tcp = new Socket();
		SSLSocket socket = null;
		long start = 0;
		try {
			tcp.connect(new InetSocketAddress(host, port), timeoutMillis);
			tcp.setSoTimeout(timeoutMillis);
			// The peer host given here is the key of the client session cache.
			socket = (SSLSocket) this.sslContext.getSocketFactory()
				.createSocket(tcp, (sniName != null) ? sniName : host, port, true);
			socket.setEnabledProtocols(new String[] { version.jdkName() });
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames((sniName != null) ? List.of(new SNIHostName(sniName)) : List.of());
			options.applyTo(parameters);
			socket.setSSLParameters(parameters);
			start = System.nanoTime();
			socket.startHandshake();
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			SSLSession session = socket.getSession();
			HandshakeResult result = HandshakeResult.success(sniName, elapsed, x509(session.getPeerCertificates()),
					session.getProtocol(), session.getCipherSuite(), socket.getApplicationProtocol(),
					session.getId(), cachedSessions.contains(HexFormat.of().formatHex(session.getId())));
			if (!options.postHandshakeRead().isZero()) {
				result = readAfterHandshake(socket, options, result);
			}
			return new Connection(socket, result);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly((socket != null) ? socket : tcp);
			if (ex instanceof IllegalArgumentException || ex instanceof UnsupportedOperationException) {
				throw (RuntimeException) ex;
			}
			Duration elapsed = (start != 0) ? Duration.ofNanos(System.nanoTime() - start) : Duration.ZERO;
			return new Connection(null, classify(ex, sniName, elapsed));
		}
	}

	private static HandshakeResult readAfterHandshake(SSLSocket socket, HandshakeOptions options,
			HandshakeResult result) throws IOException {
		socket.setSoTimeout(Math.toIntExact(Math.max(1, options.postHandshakeRead().toMillis())));
		try {
			socket.getInputStream().read();
		}
		catch (SocketTimeoutException ex) {
			// Nothing but (possibly) session tickets arrived: fine.
		}
		catch (IOException ex) {
			Matcher alert = findAlert(ex);
			if (alert != null) {
				return result.withLateAlert(alertOf(alert), alertLevelOf(alert), ex);
			}
		}
		finally {
			socket.setSoTimeout(Math.toIntExact(options.readTimeout().toMillis()));
		}
		return result;
	}

	static HandshakeResult classify(Exception ex, @Nullable String sniName, Duration elapsed) {
		Matcher alert = findAlert(ex);
		if (alert != null) {
			return HandshakeResult.failure(HandshakeResult.Outcome.ALERT, sniName, elapsed, alertOf(alert),
					alertLevelOf(alert), ex);
		}
		if (hasCause(ex, SocketTimeoutException.class)) {
			return HandshakeResult.failure(HandshakeResult.Outcome.TIMEOUT, sniName, elapsed, null, 0, ex);
		}
		if (hasCause(ex, ConnectException.class)) {
			return HandshakeResult.failure(HandshakeResult.Outcome.CLIENT_FAILURE, sniName, elapsed, null, 0, ex);
		}
		if (hasCause(ex, EOFException.class) || hasCause(ex, SocketException.class)
				|| (ex instanceof SSLException && String.valueOf(ex.getMessage()).contains("terminated"))) {
			return HandshakeResult.failure(HandshakeResult.Outcome.CLOSED_WITHOUT_ALERT, sniName, elapsed, null, 0,
					ex);
		}
		return HandshakeResult.failure(HandshakeResult.Outcome.CLIENT_FAILURE, sniName, elapsed, null, 0, ex);
	}

	private static @Nullable Matcher findAlert(Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			Matcher matcher = RECEIVED_ALERT.matcher(String.valueOf(current.getMessage()));
			if (matcher.find()) {
				return matcher;
			}
		}
		return null;
	}

	private static TlsAlert alertOf(Matcher alert) {
		return TlsAlert.byName(alert.group(2)).orElseGet(() -> new TlsAlert(-1, alert.group(2)));
	}

	private static int alertLevelOf(Matcher alert) {
		return "fatal".equals(alert.group(1)) ? TlsAlert.LEVEL_FATAL : TlsAlert.LEVEL_WARNING;
	}

	private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
		}
		return false;
	}

	private Set<String> cachedSessionIds() {
		Set<String> ids = new HashSet<>();
		for (byte[] id : Collections.list(this.sslContext.getClientSessionContext().getIds())) {
			ids.add(HexFormat.of().formatHex(id));
		}
		return ids;
	}

	private static X509Certificate[] x509(Certificate[] certificates) {
		X509Certificate[] chain = new X509Certificate[certificates.length];
		for (int i = 0; i < certificates.length; i++) {
			chain[i] = (X509Certificate) certificates[i];
		}
		return chain;
	}

	private static byte[] readUntilClosed(InputStream in) throws IOException {
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				response.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// Some servers reset instead of sending close_notify after "Connection: close".
			if (response.size() == 0) {
				throw ex;
			}
		}
		return response.toByteArray();
	}

	private static TlsClient withTrustManagers(TrustManager[] trustManagers) {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers, null);
			return new TlsClient(context);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void closeQuietly(@Nullable Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// ignore
			}
		}
	}

	/** An open socket (null after a failure) and what its handshake produced. */
	private static final class Connection implements AutoCloseable {

		private final @Nullable SSLSocket socket;

		private final HandshakeResult result;

		Connection(@Nullable SSLSocket socket, HandshakeResult result) {
			this.socket = socket;
			this.result = result;
		}

		@Override
		public void close() {
			closeQuietly(this.socket);
		}

	}

}
