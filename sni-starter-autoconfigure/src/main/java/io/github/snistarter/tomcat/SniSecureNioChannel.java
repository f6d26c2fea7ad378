package io.github.snistarter.tomcat;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.util.List;

import org.apache.tomcat.util.buf.ByteBufferUtils;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * Tomcat's TLS channel, except that a ClientHello Tomcat's own pre-reader cannot make
 * sense of (for example a server_name list with two host names) no longer ends in a
 * bare TCP close: the connection gets its engine anyway, the selection reads the
 * ClientHello itself and answers with the alert the malformation deserves.
 */
class SniSecureNioChannel extends SecureNioChannel {

	SniSecureNioChannel(SocketBufferHandler bufHandler, NioEndpoint endpoint) {
		super(bufHandler, endpoint);
	}

	@Override
	protected int processSNI() throws IOException {
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

	private static boolean isClientHelloParseFailure(IOException ex) {
		return ex.getCause() instanceof BufferUnderflowException || ex.getCause() instanceof IllegalArgumentException;
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
