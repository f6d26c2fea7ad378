package io.github.snistarter.core;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

import io.github.snistarter.SniDecision;
import io.github.snistarter.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * An engine that defers the choice of {@link javax.net.ssl.SSLContext} until it has
 * read the whole ClientHello. Until then it answers for the connector's engine; then
 * it either hands every call to the engine of the selected context (which receives the
 * ClientHello records as they came off the wire) or writes one fatal alert record and
 * reports the connection closed. No server byte leaves before the decision.
 * <p>
 * Not thread-safe, like every {@link SSLEngine}: servers drive one connection's engine
 * from one thread at a time.
 */
final class SelectingSslEngine extends SSLEngine {

	private enum State {

		READING, DELEGATING, ALERTING, CLOSED

	}

	private final SSLEngine connectorEngine;

	private final ServerNameSelector selector;

	private final @Nullable InetSocketAddress remoteAddress;

	private @Nullable ClientHelloReader reader = new ClientHelloReader(ServerNameSelector.MAX_CLIENT_HELLO);

	private volatile State state = State.READING;

	private volatile SSLEngine current;

	private @Nullable ByteBuffer pendingRecords;

	private TlsAlert alert = TlsAlert.INTERNAL_ERROR;

	private int alertRecordVersion = 0x0303;

	private boolean handshakeBegun;

	/** Whether the selected engine has produced any byte for the wire. */
	private boolean delegateSpoke;

	/** A failure of the selected engine before it produced any byte. */
	private @Nullable SSLException delegateFailure;

	SelectingSslEngine(SSLEngine connectorEngine, ServerNameSelector selector,
			@Nullable InetSocketAddress remoteAddress) {
		super(connectorEngine.getPeerHost(), connectorEngine.getPeerPort());
		this.connectorEngine = connectorEngine;
		this.selector = selector;
		this.remoteAddress = remoteAddress;
		this.current = connectorEngine;
	}

	@Override
	public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
		return switch (this.state) {
			case DELEGATING -> delegateUnwrap(src, dsts, offset, length, 0);
			case READING -> readClientHello(src, dsts, offset, length);
			case ALERTING -> new SSLEngineResult(Status.OK, HandshakeStatus.NEED_WRAP, 0, 0);
			case CLOSED -> new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, 0);
		};
	}

	private SSLEngineResult readClientHello(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
			throws SSLException {
		int start = src.position();
		ClientHelloReader reader = this.reader;
		long started = 0;
		ParsedClientHello hello;
		ServerName serverName;
		try {
			if (reader == null || !reader.read(src)) {
				int consumed = src.position() - start;
				return (consumed == 0) ? new SSLEngineResult(Status.BUFFER_UNDERFLOW, HandshakeStatus.NEED_UNWRAP, 0, 0)
						: new SSLEngineResult(Status.OK, HandshakeStatus.NEED_UNWRAP, consumed, 0);
			}
			started = this.selector.selectionStart();
			hello = ClientHelloParser.parse(reader.message());
			this.alertRecordVersion = hello.alertRecordVersion();
			serverName = this.selector.serverName(hello, this.remoteAddress);
		}
		catch (TlsFormatException ex) {
			this.selector.observe(HandshakeOutcome.REJECTED, ex.alert(), null, started);
			return startAlert(ex.alert(), src.position() - start);
		}
		SniDecision decision = this.selector.decide(serverName, hello, this.remoteAddress);
		if (decision instanceof SniDecision.Fail fail) {
			this.selector.observe(decision, serverName, started);
			return startAlert(fail.alert(), src.position() - start);
		}
		SSLEngine engine;
		try {
			engine = engineFor(decision);
		}
		catch (RuntimeException | SSLException ex) {
			this.selector.engineFailure(String.valueOf(decision), ex);
			this.selector.observe(HandshakeOutcome.FAILED, TlsAlert.HANDSHAKE_FAILURE, serverName, started);
			return startAlert(TlsAlert.HANDSHAKE_FAILURE, src.position() - start);
		}
		this.selector.observe(decision, serverName, started);
		this.current = engine;
		this.pendingRecords = reader.records();
		this.reader = null;
		this.state = State.DELEGATING;
		return delegateUnwrap(src, dsts, offset, length, src.position() - start);
	}

	private SSLEngine engineFor(SniDecision decision) throws SSLException {
		SSLEngine engine;
		if (decision instanceof SniDecision.UseContext use) {
			engine = engineOf(use);
		}
		else {
			engine = this.connectorEngine;
			engine.setSSLParameters(ServerNameSelector.bindingSessionsToNames(engine.getSSLParameters()));
		}
		if (this.handshakeBegun) {
			engine.beginHandshake();
		}
		return engine;
	}

	/** An engine of the selected context with the connector's policy. */
	private SSLEngine engineOf(SniDecision.UseContext use) {
		SSLEngine engine = use.context().createSSLEngine(getPeerHost(), getPeerPort());
		engine.setUseClientMode(false);
		engine.setSSLParameters(ServerNameSelector.bindingSessionsToNames(this.connectorEngine.getSSLParameters()));
		engine.setEnableSessionCreation(this.connectorEngine.getEnableSessionCreation());
		BiFunction<SSLEngine, List<String>, String> alpnSelector = this.connectorEngine
			.getHandshakeApplicationProtocolSelector();
		if (alpnSelector != null) {
			engine.setHandshakeApplicationProtocolSelector(alpnSelector);
		}
		return engine;
	}

	/**
	 * Unwrap with the selected engine, first feeding it the ClientHello records this
	 * engine already took off the wire.
	 */
	private SSLEngineResult delegateUnwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length,
			int alreadyConsumed) throws SSLException {
		try {
			return unwrapSelected(src, dsts, offset, length, alreadyConsumed);
		}
		catch (SSLException ex) {
			throw failed(ex);
		}
	}

	private SSLEngineResult unwrapSelected(ByteBuffer src, ByteBuffer[] dsts, int offset, int length,
			int alreadyConsumed) throws SSLException {
		ByteBuffer pending = this.pendingRecords;
		if (pending == null) {
			SSLEngineResult result = this.current.unwrap(src, dsts, offset, length);
			return (alreadyConsumed == 0) ? result : new SSLEngineResult(result.getStatus(),
					result.getHandshakeStatus(), result.bytesConsumed() + alreadyConsumed, result.bytesProduced());
		}
		SSLEngineResult result;
		int produced = 0;
		do {
			result = this.current.unwrap(pending, dsts, offset, length);
			produced += result.bytesProduced();
		}
		while (pending.hasRemaining() && result.getStatus() == Status.OK
				&& result.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP);
		if (!pending.hasRemaining()) {
			this.pendingRecords = null;
		}
		Status status = result.getStatus();
		if (status == Status.BUFFER_UNDERFLOW) {
			// Every buffered record was whole; the engine just wants the next one.
			status = Status.OK;
		}
		return new SSLEngineResult(status, result.getHandshakeStatus(), alreadyConsumed, produced);
	}

	private SSLEngineResult startAlert(TlsAlert alert, int consumed) {
		this.alert = alert;
		this.reader = null;
		this.state = State.ALERTING;
		return new SSLEngineResult(Status.OK, HandshakeStatus.NEED_WRAP, consumed, 0);
	}

	@Override
	public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
		switch (this.state) {
			case DELEGATING:
				return delegateWrap(srcs, offset, length, dst);
			case ALERTING:
				if (dst.remaining() < AlertRecord.SIZE) {
					return new SSLEngineResult(Status.BUFFER_OVERFLOW, HandshakeStatus.NEED_WRAP, 0, 0);
				}
				AlertRecord.write(dst, this.alert, this.alertRecordVersion);
				this.state = State.CLOSED;
				return new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, AlertRecord.SIZE);
			case CLOSED:
				return new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, 0);
			default:
				// Nothing to send before the ClientHello has been read.
				return new SSLEngineResult(Status.OK, HandshakeStatus.NEED_UNWRAP, 0, 0);
		}
	}

	/**
	 * Wrap with the selected engine. When it failed before sending anything and has no
	 * alert of its own to send, send handshake_failure in clear instead: JSSE reports some
	 * malformed ClientHello extensions only by throwing, and the client must never see a
	 * bare close.
	 */
	private SSLEngineResult delegateWrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
			throws SSLException {
		SSLEngineResult result;
		try {
			result = this.current.wrap(srcs, offset, length, dst);
		}
		catch (SSLException ex) {
			throw failed(ex);
		}
		if (result.bytesProduced() > 0) {
			this.delegateSpoke = true;
		}
		else if (this.delegateFailure != null && !this.delegateSpoke) {
			this.alert = TlsAlert.HANDSHAKE_FAILURE;
			this.state = State.ALERTING;
			return wrap(srcs, offset, length, dst);
		}
		return result;
	}

	private SSLException failed(SSLException ex) {
		if (!this.delegateSpoke && this.delegateFailure == null) {
			this.delegateFailure = ex;
		}
		return ex;
	}

	@Override
	public @Nullable Runnable getDelegatedTask() {
		return (this.state == State.DELEGATING) ? this.current.getDelegatedTask() : null;
	}

	@Override
	public void closeInbound() throws SSLException {
		if (this.state == State.DELEGATING) {
			this.current.closeInbound();
		}
		else if (this.state == State.READING) {
			this.state = State.CLOSED;
		}
	}

	@Override
	public boolean isInboundDone() {
		return switch (this.state) {
			case DELEGATING -> this.current.isInboundDone();
			case READING -> false;
			case ALERTING, CLOSED -> true;
		};
	}

	@Override
	public void closeOutbound() {
		if (this.state == State.DELEGATING) {
			this.current.closeOutbound();
		}
		else if (this.state == State.READING) {
			this.state = State.CLOSED;
		}
	}

	@Override
	public boolean isOutboundDone() {
		return switch (this.state) {
			case DELEGATING -> this.current.isOutboundDone();
			case READING, ALERTING -> false;
			case CLOSED -> true;
		};
	}

	@Override
	public HandshakeStatus getHandshakeStatus() {
		return switch (this.state) {
			case DELEGATING -> this.current.getHandshakeStatus();
			case READING -> this.handshakeBegun ? HandshakeStatus.NEED_UNWRAP : HandshakeStatus.NOT_HANDSHAKING;
			case ALERTING -> HandshakeStatus.NEED_WRAP;
			case CLOSED -> HandshakeStatus.NOT_HANDSHAKING;
		};
	}

	@Override
	public void beginHandshake() throws SSLException {
		if (this.state == State.DELEGATING) {
			this.current.beginHandshake();
		}
		else {
			this.handshakeBegun = true;
		}
	}

	@Override
	public SSLSession getSession() {
		return this.current.getSession();
	}

	@Override
	public @Nullable SSLSession getHandshakeSession() {
		return (this.state == State.DELEGATING) ? this.current.getHandshakeSession() : null;
	}

	@Override
	public String[] getSupportedCipherSuites() {
		return this.current.getSupportedCipherSuites();
	}

	@Override
	public String[] getEnabledCipherSuites() {
		return this.current.getEnabledCipherSuites();
	}

	@Override
	public void setEnabledCipherSuites(String[] suites) {
		this.current.setEnabledCipherSuites(suites);
	}

	@Override
	public String[] getSupportedProtocols() {
		return this.current.getSupportedProtocols();
	}

	@Override
	public String[] getEnabledProtocols() {
		return this.current.getEnabledProtocols();
	}

	@Override
	public void setEnabledProtocols(String[] protocols) {
		this.current.setEnabledProtocols(protocols);
	}

	@Override
	public void setUseClientMode(boolean mode) {
		if (mode) {
			throw new IllegalArgumentException("Server name selection only applies to server-mode engines");
		}
	}

	@Override
	public boolean getUseClientMode() {
		return false;
	}

	@Override
	public void setNeedClientAuth(boolean need) {
		this.current.setNeedClientAuth(need);
	}

	@Override
	public boolean getNeedClientAuth() {
		return this.current.getNeedClientAuth();
	}

	@Override
	public void setWantClientAuth(boolean want) {
		this.current.setWantClientAuth(want);
	}

	@Override
	public boolean getWantClientAuth() {
		return this.current.getWantClientAuth();
	}

	@Override
	public void setEnableSessionCreation(boolean flag) {
		this.current.setEnableSessionCreation(flag);
	}

	@Override
	public boolean getEnableSessionCreation() {
		return this.current.getEnableSessionCreation();
	}

	@Override
	public SSLParameters getSSLParameters() {
		return this.current.getSSLParameters();
	}

	@Override
	public void setSSLParameters(SSLParameters params) {
		this.current.setSSLParameters(params);
	}

	@Override
	public @Nullable String getApplicationProtocol() {
		return (this.state == State.DELEGATING) ? this.current.getApplicationProtocol() : null;
	}

	@Override
	public @Nullable String getHandshakeApplicationProtocol() {
		return (this.state == State.DELEGATING) ? this.current.getHandshakeApplicationProtocol() : null;
	}

	@Override
	public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
		this.current.setHandshakeApplicationProtocolSelector(selector);
	}

	@Override
	public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
		return this.current.getHandshakeApplicationProtocolSelector();
	}

	@Override
	public String toString() {
		return "SelectingSslEngine[" + this.state + ", " + this.current + "]";
	}

}
