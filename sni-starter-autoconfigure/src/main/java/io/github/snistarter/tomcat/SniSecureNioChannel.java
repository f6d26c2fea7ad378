package io.github.snistarter.tomcat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;

import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

import org.apache.tomcat.util.buf.ByteBufferUtils;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * Tomcat's TLS channel, except that a ClientHello Tomcat's own pre-reader cannot make
 * sense of (for example a server_name list with two host names) no longer ends in a
 * bare TCP close: the connection gets its engine anyway, the selection reads the
 * ClientHello itself and answers with the alert the malformation deserves.
 * <p>
 * Nor does the pre-reader see hellos it cannot help with: one spread over several
 * records (it would log a WARN line per connection and give up) or a first record
 * longer than TLS allows (it would wait for up to 64 KiB before giving up). The
 * selection reassembles the first and refuses the second at once.
 * <p>
 * And the handshake ends when the connection timeout runs out, also for a client that
 * keeps sending a byte now and then: Tomcat only checks the timeout in its poller's
 * periodic sweep, which skips a connection whose read it is processing at that moment,
 * so a client trickling bytes in step with the sweeps was never timed out.
 * <p>
 * Finally, when the TLS engine fails during the handshake, the fatal alert it leaves
 * behind is sent: Tomcat wraps that alert after a failed wrap but flushes it only when
 * it was handling a write event, and does not wrap it at all after a failed unwrap.
 */
class SniSecureNioChannel extends SecureNioChannel {

	private static final int MAX_FRAGMENT = 1 << 14;

	private boolean firstHandshakeDone;

	SniSecureNioChannel(SocketBufferHandler bufHandler, NioEndpoint endpoint) {
		super(bufHandler, endpoint);
	}

	@Override
	public void reset(SocketChannel channel, NioSocketWrapper socketWrapper) throws IOException {
		super.reset(channel, socketWrapper);
		this.firstHandshakeDone = false;
	}

	@Override
	public int handshake(boolean read, boolean write) throws IOException {
		if (!this.firstHandshakeDone) {
			// Tomcat's own rule: until the first handshake completes, the read clock still
			// says "accepted at". (A later renegotiation follows a request read; not checked.)
			long timeout = this.socketWrapper.getReadTimeout();
			if (timeout > 0 && System.currentTimeMillis() - this.socketWrapper.getLastRead() > timeout) {
				throw new SocketTimeoutException("TLS handshake not complete within " + timeout + " ms");
			}
		}
		int result = super.handshake(read, write);
		this.firstHandshakeDone |= isHandshakeComplete();
		return result;
	}

	@Override
	protected int processSNI() throws IOException {
		if (this.sslEngine == null) {
			// Tomcat reads again in super.processSNI(); that read finds what is left, or nothing.
			if (this.sc.read(this.netInBuffer) == -1) {
				return -1;
			}
			PreRead preRead = preRead(this.netInBuffer);
			if (preRead == PreRead.SKIP) {
				return startWithoutPreRead();
			}
			if (preRead == PreRead.MORE) {
				return SelectionKey.OP_READ;
			}
		}
		try {
			return super.processSNI();
		}
		catch (IOException ex) {
			if (this.sslEngine != null || !isClientHelloParseFailure(ex)) {
				throw ex;
			}
			return startWithoutPreRead();
		}
	}

	@Override
	protected SSLEngineResult handshakeWrap(boolean doWrite) throws IOException {
		try {
			return super.handshakeWrap(doWrite);
		}
		catch (SSLException ex) {
			sendAlert(ex);
			throw ex;
		}
	}

	@Override
	protected SSLEngineResult handshakeUnwrap(boolean doread) throws IOException {
		try {
			return super.handshakeUnwrap(doread);
		}
		catch (SSLException ex) {
			sendAlert(ex);
			throw ex;
		}
	}

	/**
	 * Wrap and flush the fatal alert the engine holds after a failure. A failure in a
	 * delegated task is thrown again by the next wrap, and the alert comes with the one
	 * after, as Tomcat's own handling of a failed wrap expects.
	 */
	private void sendAlert(SSLException failure) {
		for (int attempt = 1; attempt <= 2; attempt++) {
			try {
				super.handshakeWrap(true);
				return;
			}
			catch (IOException | RuntimeException ex) {
				if (attempt == 2) {
					failure.addSuppressed(ex);
				}
			}
		}
	}

	/**
	 * Whether Tomcat's pre-read can help with the bytes so far (the buffer is in write
	 * mode): not for a handshake record that cannot be one (wrong version, too short or
	 * too long) nor for a ClientHello that does not fit in its first record. Until the
	 * record and handshake headers are in, wait for them.
	 */
	private static PreRead preRead(ByteBuffer in) {
		int available = in.position();
		if (available == 0 || in.get(0) != 22) {
			return PreRead.TOMCAT;
		}
		if (available < 5) {
			return PreRead.MORE;
		}
		if (in.get(1) != 3) {
			// Tomcat would take any major version from 3 up for TLS and wait for the record.
			return PreRead.SKIP;
		}
		int recordLength = ((in.get(3) & 0xff) << 8) | (in.get(4) & 0xff);
		if (recordLength < 4 || recordLength > MAX_FRAGMENT) {
			return PreRead.SKIP;
		}
		if (available < 9) {
			return PreRead.MORE;
		}
		if (in.get(5) != 1) {
			return PreRead.TOMCAT;
		}
		int helloLength = ((in.get(6) & 0xff) << 16) | ((in.get(7) & 0xff) << 8) | (in.get(8) & 0xff);
		return (4 + helloLength > recordLength) ? PreRead.SKIP : PreRead.TOMCAT;
	}

	private static boolean isClientHelloParseFailure(IOException ex) {
		return ex.getCause() instanceof BufferUnderflowException || ex.getCause() instanceof IllegalArgumentException;
	}

	private enum PreRead {

		/** Let Tomcat pre-read the ClientHello. */
		TOMCAT,

		/** Start without Tomcat's pre-read; the selection reads the ClientHello. */
		SKIP,

		/** Wait for more bytes. */
		MORE

	}

	/** What Tomcat does after its pre-read, for a ClientHello it could not pre-read. */
	private int startWithoutPreRead() throws IOException {
		createSSLEngine(null, List.of(), null, List.of(), List.of(), List.of());
		getBufHandler().expand(this.sslEngine.getSession().getApplicationBufferSize());
		this.netInBuffer = ByteBufferUtils.expand(this.netInBuffer, this.sslEngine.getSession().getPacketBufferSize());
		this.netOutBuffer = ByteBufferUtils.expand(this.netOutBuffer,
				this.sslEngine.getSession().getPacketBufferSize());
		this.netOutBuffer.position(0);
		this.netOutBuffer.limit(0);
		this.sslEngine.beginHandshake();
		this.handshakeStatus = this.sslEngine.getHandshakeStatus();
		return 0;
	}

}
