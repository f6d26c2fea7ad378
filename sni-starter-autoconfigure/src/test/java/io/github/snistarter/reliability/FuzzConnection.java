package io.github.snistarter.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Sends one {@link FuzzCase} over plain TCP and watches what the server does: its first
 * record (alert, ServerHello, anything else), or a close without a byte, or silence, and
 * when the connection ended, all timed from the client's last write.
 */
final class FuzzConnection {

	private static final int READ_LIMIT = 1 << 16;

	private FuzzConnection() {
	}

	/** What a connection showed. */
	enum Kind {

		/** The first record was an alert. */
		ALERT,

		/** The first record was a handshake record carrying a ServerHello. */
		SERVER_HELLO,

		/** The server closed (FIN or reset) without sending a byte. */
		CLOSED_WITHOUT_ALERT,

		/** Tomcat's plain-text "this port needs TLS" answer to something that looked like HTTP. */
		HTTP_RESPONSE,

		/** The server sent nothing and kept the connection open for the whole wait. */
		SILENT,

		/** Any other first bytes. */
		OTHER

	}

	/**
	 * @param kind what the server did
	 * @param firstEvent time from the last write to the first byte or the close
	 * @param closed time from the last write to the close, {@code null} when the server
	 * had not closed when the client stopped waiting (the client then closes)
	 * @param alertLevel the alert's level byte (alerts only)
	 * @param alertDescription the alert's description byte (alerts only)
	 * @param received the first bytes the server sent
	 */
	record Outcome(Kind kind, Duration firstEvent, @Nullable Duration closed, int alertLevel, int alertDescription,
			byte[] received) {

		@Override
		public String toString() {
			String alert = (this.kind == Kind.ALERT) ? "(" + this.alertLevel + "," + this.alertDescription + ")" : "";
			return this.kind + alert
					+ " after " + this.firstEvent.toMillis() + " ms"
					+ ((this.closed != null) ? ", closed after " + this.closed.toMillis() + " ms" : ", not closed")
					+ ", received " + this.received.length + " bytes";
		}

	}

	/**
	 * Run a case.
	 * @param port the server's port on 127.0.0.1
	 * @param fuzzCase what to send
	 * @param answerWait how long to wait for the server's first byte or close
	 * @param closeWait after an alert, how long to wait for the close
	 * @return what happened
	 * @throws IOException when the connection cannot be made
	 */
	static Outcome run(int port, FuzzCase fuzzCase, Duration answerWait, Duration closeWait) throws IOException {
		try (Socket socket = new Socket()) {
			socket.setTcpNoDelay(true);
			socket.setSoLinger(true, 0);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			long lastWrite = write(socket, fuzzCase);
			if (fuzzCase.halfClose()) {
				try {
					socket.shutdownOutput();
				}
				catch (IOException ex) {
					// already closed by the server
				}
			}
			return read(socket, lastWrite, answerWait, closeWait);
		}
	}

	private static long write(Socket socket, FuzzCase fuzzCase) {
		try {
			OutputStream out = socket.getOutputStream();
			boolean first = true;
			for (byte[] write : fuzzCase.writes()) {
				if (!first && fuzzCase.delayMillis() > 0) {
					Thread.sleep(fuzzCase.delayMillis());
				}
				out.write(write);
				out.flush();
				first = false;
			}
		}
		catch (IOException ex) {
			// The server closed early, which is allowed once it has answered.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return System.nanoTime();
	}

	private static Outcome read(Socket socket, long lastWrite, Duration answerWait, Duration closeWait)
			throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		long answerDeadline = lastWrite + answerWait.toNanos();
		Duration firstEvent = null;
		Kind kind = null;
		long closeDeadline = Long.MAX_VALUE;
		while (true) {
			long deadline = (kind == null) ? answerDeadline : closeDeadline;
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				break;
			}
			socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
			int count;
			try {
				count = in.read(buffer);
			}
			catch (SocketTimeoutException ex) {
				break;
			}
			catch (SocketException ex) {
				count = -1;
			}
			if (count == -1) {
				Duration closed = since(lastWrite);
				if (kind == null) {
					return new Outcome(Kind.CLOSED_WITHOUT_ALERT, closed, closed, 0, 0, new byte[0]);
				}
				return outcome(kind, firstEvent, closed, received.toByteArray());
			}
			if (received.size() < READ_LIMIT) {
				received.write(buffer, 0, count);
			}
			if (kind == null) {
				firstEvent = since(lastWrite);
				kind = classify(received.toByteArray());
				if (kind == null) {
					continue;
				}
				if (kind != Kind.ALERT) {
					// Only an alert promises a close; otherwise the server waits for the client.
					return outcome(kind, firstEvent, null, received.toByteArray());
				}
				closeDeadline = System.nanoTime() + closeWait.toNanos();
			}
		}
		if (kind == null) {
			byte[] bytes = received.toByteArray();
			return new Outcome((bytes.length == 0) ? Kind.SILENT : Kind.OTHER, since(lastWrite), null, 0, 0, bytes);
		}
		return outcome(kind, firstEvent, null, received.toByteArray());
	}

	/** The kind of the first record, {@code null} while too few bytes arrived to tell. */
	private static @Nullable Kind classify(byte[] bytes) {
		if (bytes.length >= 5 && bytes[0] == 'H' && bytes[1] == 'T' && bytes[2] == 'T' && bytes[3] == 'P') {
			return Kind.HTTP_RESPONSE;
		}
		if (bytes.length < 6) {
			return (bytes.length > 0 && bytes[0] != 21 && bytes[0] != 22) ? Kind.OTHER : null;
		}
		if (bytes[0] == 21) {
			return (bytes.length >= 7) ? Kind.ALERT : null;
		}
		if (bytes[0] == 22 && bytes[5] == 2) {
			return Kind.SERVER_HELLO;
		}
		return Kind.OTHER;
	}

	private static Outcome outcome(Kind kind, Duration firstEvent, @Nullable Duration closed, byte[] received) {
		int level = (kind == Kind.ALERT) ? received[5] & 0xff : 0;
		int description = (kind == Kind.ALERT) ? received[6] & 0xff : 0;
		return new Outcome(kind, firstEvent, closed, level, description,
				Arrays.copyOf(received, Math.min(received.length, 64)));
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
