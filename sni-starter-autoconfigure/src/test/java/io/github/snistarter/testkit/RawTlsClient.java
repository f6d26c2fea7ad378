package io.github.snistarter.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Sends hand-made bytes (usually a {@link RawClientHello}) over a plain TCP socket and
 * reports what the server sent back first, as a {@link WireResult}. It never completes a
 * handshake: it reads the first record, and for a TLS 1.2 ServerHello also the clear-text
 * Certificate message that follows.
 * <pre>{@code
 * RawClientHello hello = RawClientHello.tls13().serverName("shop.test");
 * // one record per TCP write, 50 ms apart:
 * RawTlsClient.send(port, hello.toRecords(3), Duration.ofMillis(50), timeout);
 * // one record cut into three TCP writes:
 * RawTlsClient.send(port, RawClientHello.split(hello.toRecord(), 3), Duration.ofMillis(50), timeout);
 * }</pre>
 */
public final class RawTlsClient {

	private static final byte[] HELLO_RETRY_REQUEST_RANDOM = HexFormat.of()
		.parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

	private static final int HANDSHAKE_SERVER_HELLO = 2;

	private static final int HANDSHAKE_CERTIFICATE = 11;

	private static final int HANDSHAKE_SERVER_HELLO_DONE = 14;

	private RawTlsClient() {
	}

	/** Sends the hello as one record in one write to {@value TlsClient#LOOPBACK}{@code :port}. */
	public static WireResult send(int port, RawClientHello hello, Duration timeout) {
		return send(port, hello.toRecord(), timeout);
	}

	/** Sends the bytes in one write to {@value TlsClient#LOOPBACK}{@code :port}. */
	public static WireResult send(int port, byte[] bytes, Duration timeout) {
		return send(TlsClient.LOOPBACK, port, List.of(bytes), Duration.ZERO, timeout);
	}

	/**
	 * Sends each element in its own TCP write (Nagle disabled), pausing between writes, to
	 * {@value TlsClient#LOOPBACK}{@code :port}.
	 */
	public static WireResult send(int port, List<byte[]> writes, Duration delayBetweenWrites, Duration timeout) {
		return send(TlsClient.LOOPBACK, port, writes, delayBetweenWrites, timeout);
	}

	/**
	 * Connects, sends each element of {@code writes} in its own TCP write, and reads the
	 * answer. {@code timeout} bounds the connect, the wait for the first byte (counted from
	 * the last write) and, after an alert, the wait for the server to close.
	 * @throws IllegalStateException if the connection cannot be established
	 */
	public static WireResult send(String host, int port, List<byte[]> writes, Duration delayBetweenWrites,
			Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
			socket.setTcpNoDelay(true);
			write(socket.getOutputStream(), writes, delayBetweenWrites);
			long sentAt = System.nanoTime();
			return read(new RecordReader(socket, sentAt + timeout.toNanos()), sentAt, timeout);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot connect to " + host + ":" + port, ex);
		}
	}

	private static void write(OutputStream out, List<byte[]> writes, Duration delay) {
		try {
			for (int i = 0; i < writes.size(); i++) {
				if (i > 0 && !delay.isZero()) {
					Thread.sleep(delay.toMillis());
				}
				out.write(writes.get(i));
				out.flush();
			}
		}
		catch (IOException ex) {
			// The server closed early; what it sent (if anything) is still readable.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static WireResult read(RecordReader reader, long sentAt, Duration timeout) {
		Record first;
		try {
			first = reader.next();
		}
		catch (SocketTimeoutException ex) {
			return WireResult.of(WireResult.Kind.TIMEOUT, since(sentAt), reader.received());
		}
		catch (IOException ex) {
			WireResult.Kind kind = (reader.received().length == 0) ? WireResult.Kind.CLOSED_WITHOUT_ALERT
					: WireResult.Kind.OTHER;
			return WireResult.of(kind, since(sentAt), reader.received());
		}
		Duration elapsed = since(sentAt);
		if (first.type() == RawClientHello.CONTENT_TYPE_ALERT && first.fragment().length >= 2) {
			Duration closedAfter = reader.awaitClose(System.nanoTime() + timeout.toNanos());
			return WireResult.alert(elapsed, reader.received(), first.fragment()[0] & 0xff,
					first.fragment()[1] & 0xff, closedAfter);
		}
		if (first.type() == RawClientHello.CONTENT_TYPE_HANDSHAKE) {
			return readServerHello(reader, first, elapsed);
		}
		return WireResult.of(WireResult.Kind.OTHER, elapsed, reader.received());
	}

	private static WireResult readServerHello(RecordReader reader, Record first, Duration elapsed) {
		HandshakeMessages messages = new HandshakeMessages();
		messages.append(first.fragment());
		byte[] serverHello = messages.next(reader);
		if (serverHello == null || (serverHello[0] & 0xff) != HANDSHAKE_SERVER_HELLO) {
			return WireResult.of(WireResult.Kind.OTHER, elapsed, reader.received());
		}
		WireResult.ServerHelloInfo info = parseServerHello(Arrays.copyOfRange(serverHello, 4, serverHello.length));
		List<X509Certificate> certificates = List.of();
		if (!info.isTls13() && !info.helloRetryRequest()) {
			for (byte[] message = messages.next(reader); message != null; message = messages.next(reader)) {
				int type = message[0] & 0xff;
				if (type == HANDSHAKE_CERTIFICATE) {
					certificates = parseCertificates(Arrays.copyOfRange(message, 4, message.length));
					break;
				}
				if (type == HANDSHAKE_SERVER_HELLO_DONE) {
					break;
				}
			}
		}
		return WireResult.serverHello(elapsed, reader.received(), info, certificates);
	}

	static WireResult.ServerHelloInfo parseServerHello(byte[] body) {
		TlsByteReader in = new TlsByteReader(body);
		int version = in.u16();
		byte[] random = in.bytes(32);
		in.vector8();
		int cipherSuite = in.u16();
		in.u8();
		boolean serverNameAcknowledged = false;
		String alpn = null;
		List<Integer> extensionTypes = new ArrayList<>();
		if (in.hasRemaining()) {
			TlsByteReader extensions = new TlsByteReader(in.vector16());
			while (extensions.hasRemaining()) {
				int type = extensions.u16();
				TlsByteReader data = new TlsByteReader(extensions.vector16());
				extensionTypes.add(type);
				if (type == RawClientHello.EXT_SERVER_NAME) {
					serverNameAcknowledged = true;
				}
				else if (type == RawClientHello.EXT_SUPPORTED_VERSIONS) {
					version = data.u16();
				}
				else if (type == RawClientHello.EXT_ALPN) {
					TlsByteReader protocols = new TlsByteReader(data.vector16());
					alpn = new String(protocols.vector8(), StandardCharsets.US_ASCII);
				}
			}
		}
		return new WireResult.ServerHelloInfo(version, cipherSuite, Arrays.equals(random, HELLO_RETRY_REQUEST_RANDOM),
				serverNameAcknowledged, alpn, List.copyOf(extensionTypes));
	}

	private static List<X509Certificate> parseCertificates(byte[] body) {
		TlsByteReader list = new TlsByteReader(new TlsByteReader(body).vector24());
		List<X509Certificate> certificates = new ArrayList<>();
		while (list.hasRemaining()) {
			certificates.add(Pem.parseCertificate(list.vector24()));
		}
		return certificates;
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/** One TLS record. */
	private record Record(int type, int version, byte[] fragment) {
	}

	/** Reassembles handshake messages that may span several handshake records. */
	private static final class HandshakeMessages {

		private byte[] buffer = new byte[0];

		void append(byte[] fragment) {
			byte[] joined = Arrays.copyOf(this.buffer, this.buffer.length + fragment.length);
			System.arraycopy(fragment, 0, joined, this.buffer.length, fragment.length);
			this.buffer = joined;
		}

		/** The next complete message (header included), reading more records as needed; null if none. */
		byte @Nullable [] next(RecordReader reader) {
			while (!complete()) {
				try {
					Record record = reader.next();
					if (record.type() != RawClientHello.CONTENT_TYPE_HANDSHAKE) {
						return null;
					}
					append(record.fragment());
				}
				catch (IOException ex) {
					return null;
				}
			}
			int length = 4 + new TlsByteReader(Arrays.copyOfRange(this.buffer, 1, 4)).u24();
			byte[] message = Arrays.copyOf(this.buffer, length);
			this.buffer = Arrays.copyOfRange(this.buffer, length, this.buffer.length);
			return message;
		}

		private boolean complete() {
			return this.buffer.length >= 4
					&& this.buffer.length >= 4 + new TlsByteReader(Arrays.copyOfRange(this.buffer, 1, 4)).u24();
		}

	}

	/** Reads whole records before a deadline and keeps every byte it read. */
	private static final class RecordReader {

		private final Socket socket;

		private final InputStream in;

		private final long deadline;

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		RecordReader(Socket socket, long deadline) throws IOException {
			this.socket = socket;
			this.in = socket.getInputStream();
			this.deadline = deadline;
		}

		/**
		 * @throws SocketTimeoutException when the deadline passes
		 * @throws EOFException or {@link SocketException} when the connection ends
		 */
		Record next() throws IOException {
			TlsByteReader header = new TlsByteReader(readFully(5, this.deadline));
			int type = header.u8();
			int version = header.u16();
			return new Record(type, version, readFully(header.u16(), this.deadline));
		}

		/** Reads and discards until EOF; time until then, or null if the deadline passed first. */
		@Nullable Duration awaitClose(long closeDeadline) {
			long start = System.nanoTime();
			try {
				while (true) {
					readFully(1, closeDeadline);
				}
			}
			catch (SocketTimeoutException ex) {
				return null;
			}
			catch (IOException ex) {
				return since(start);
			}
		}

		byte[] received() {
			return this.received.toByteArray();
		}

		private byte[] readFully(int length, long until) throws IOException {
			byte[] data = new byte[length];
			int read = 0;
			while (read < length) {
				long remainingMillis = Duration.ofNanos(until - System.nanoTime()).toMillis();
				if (remainingMillis <= 0) {
					throw new SocketTimeoutException("Deadline passed");
				}
				this.socket.setSoTimeout(Math.toIntExact(remainingMillis));
				int count = this.in.read(data, read, length - read);
				if (count == -1) {
					throw new EOFException("Closed after " + this.received.size() + " bytes");
				}
				this.received.write(data, read, count);
				read += count;
			}
			return data;
		}

	}

}
