package io.github.snistarter.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.TlsAlert;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a server's TLS engine to the active {@link ServerNameCallback}: server adapters
 * hand every new connection's engine to {@link #wrap}, and the returned engine reads
 * the ClientHello, runs the callback once and continues with the chosen context or
 * sends the chosen alert.
 */
public final class ServerNameSelector {

	/** Same bound as JSSE's default {@code jdk.tls.maxHandshakeMessageSize}. */
	static final int MAX_CLIENT_HELLO = 32768;

	private static final Logger logger = LoggerFactory.getLogger(ServerNameSelector.class);

	private static final List<SNIMatcher> SNI_MATCHERS = List.of(new AnyHostNameMatcher());

	/** What a throwing callback gets; compared by identity to tell it from a chosen alert. */
	private static final SniDecision CALLBACK_FAILED = SniDecision.fail(TlsAlert.HANDSHAKE_FAILURE);

	private final ActiveServerNameCallback callbacks;

	private final Supplier<SSLContext> defaultContext;

	private final RateLimitedLog callbackFailures;

	private final HandshakeObserver observer;

	private final boolean observing;

	/**
	 * Create a selector that reports to no observer.
	 * @param callbacks the active callback
	 * @param defaultContext the connector's default context, as shown to callbacks
	 * @param failureLogInterval at most one callback-failure line per interval
	 */
	public ServerNameSelector(ActiveServerNameCallback callbacks, Supplier<SSLContext> defaultContext,
			Duration failureLogInterval) {
		this(callbacks, defaultContext, failureLogInterval, HandshakeObserver.NONE);
	}

	/**
	 * Create a selector.
	 * @param callbacks the active callback
	 * @param defaultContext the connector's default context, as shown to callbacks
	 * @param failureLogInterval at most one callback-failure line per interval
	 * @param observer told the outcome of every ClientHello
	 */
	public ServerNameSelector(ActiveServerNameCallback callbacks, Supplier<SSLContext> defaultContext,
			Duration failureLogInterval, HandshakeObserver observer) {
		this.callbacks = callbacks;
		this.defaultContext = defaultContext;
		this.callbackFailures = new RateLimitedLog(logger, failureLogInterval);
		this.observer = observer;
		this.observing = observer != HandshakeObserver.NONE;
	}

	/**
	 * Wrap a new connection's engine. The connector's engine carries its policy
	 * (protocols, cipher suites, client authentication, ALPN) and serves the connection
	 * when the decision is to use the default.
	 * @param connectorEngine the server-mode engine the connector created
	 * @param remoteAddress the client's address, if known
	 * @return the engine to use for the connection
	 */
	public SSLEngine wrap(SSLEngine connectorEngine, @Nullable InetSocketAddress remoteAddress) {
		// The engine that will handshake gets its SNI matcher once the decision is made:
		// copying a connector engine's parameters is a measurable part of a handshake.
		return new SelectingSslEngine(connectorEngine, this, remoteAddress);
	}

	/**
	 * The parameters for the engine that handshakes: the connector's policy plus an SNI
	 * matcher, with which JSSE refuses to resume a session under another name.
	 * @param connectorParameters a copy of the connector engine's parameters
	 * @return the same object, with the matcher set
	 */
	static SSLParameters bindingSessionsToNames(SSLParameters connectorParameters) {
		connectorParameters.setSNIMatchers(SNI_MATCHERS);
		return connectorParameters;
	}

	/**
	 * The server name of a ClientHello, checked and normalized.
	 * @param hello the parsed ClientHello
	 * @param remoteAddress the client's address
	 * @return the name, or {@code null} without SNI or for an IP address literal
	 * @throws TlsFormatException with the alert for a name that is refused
	 */
	@Nullable ServerName serverName(ParsedClientHello hello, @Nullable InetSocketAddress remoteAddress)
			throws TlsFormatException {
		try {
			return (hello.hostName() != null) ? ServerNames.normalize(hello.hostName()) : null;
		}
		catch (TlsFormatException ex) {
			logger.debug("Refused server name from {}: {}", remoteAddress, ex.getMessage());
			throw ex;
		}
	}

	/**
	 * Decide how a handshake continues.
	 * @param serverName the checked server name, {@code null} without SNI
	 * @param hello the parsed ClientHello
	 * @param remoteAddress the client's address
	 * @return the decision; never {@code null}
	 */
	SniDecision decide(@Nullable ServerName serverName, ParsedClientHello hello,
			@Nullable InetSocketAddress remoteAddress) {
		ServerNameCallback callback = this.callbacks.get();
		if (callback == null) {
			return SniDecision.useDefault();
		}
		String aLabel = (serverName != null) ? serverName.aLabel() : null;
		try {
			ClientHello clientHello = new ClientHello(aLabel, (serverName != null) ? serverName.unicode() : null,
					hello.applicationProtocols(), hello.cipherSuites(), protocolNames(hello), hello.signatureSchemes(),
					hello.supportedGroups(), remoteAddress, this.defaultContext.get());
			SniDecision decision = callback.select(clientHello);
			return (decision != null) ? decision : SniDecision.useDefault();
		}
		catch (Exception | LinkageError ex) {
			this.callbackFailures.warn("Server name callback failed for server name '" + aLabel + "' from "
					+ remoteAddress + "; sent handshake_failure", ex);
			return CALLBACK_FAILED;
		}
	}

	/**
	 * The time a selection starts, for {@link #observe}.
	 * @return a {@link System#nanoTime()} reading, or 0 when nobody observes
	 */
	long selectionStart() {
		return this.observing ? System.nanoTime() : 0;
	}

	/**
	 * Report how a ClientHello's selection ended when the decision stands.
	 * @param decision the decision
	 * @param serverName the checked server name, if any
	 * @param started the {@link #selectionStart()} reading
	 */
	void observe(SniDecision decision, @Nullable ServerName serverName, long started) {
		if (this.observing) {
			TlsAlert alert = (decision instanceof SniDecision.Fail fail) ? fail.alert() : null;
			observe(outcomeOf(decision), alert, serverName, started);
		}
	}

	private HandshakeOutcome outcomeOf(SniDecision decision) {
		if (decision instanceof SniDecision.Fail fail) {
			return (decision == CALLBACK_FAILED || fail.alert() == TlsAlert.INTERNAL_ERROR) ? HandshakeOutcome.FAILED
					: HandshakeOutcome.REJECTED;
		}
		if (decision instanceof SniDecision.UseContext use) {
			// A callback that hands back the default context chose the default.
			return (use.context() == this.defaultContext.get()) ? HandshakeOutcome.DEFAULT : HandshakeOutcome.SELECTED;
		}
		return HandshakeOutcome.DEFAULT;
	}

	/**
	 * Report how a ClientHello's selection ended.
	 * @param outcome the outcome
	 * @param alert the alert sent, if any
	 * @param serverName the checked server name, if any
	 * @param started the {@link #selectionStart()} reading
	 */
	void observe(HandshakeOutcome outcome, @Nullable TlsAlert alert, @Nullable ServerName serverName,
			long started) {
		if (!this.observing) {
			return;
		}
		long nanos = (started != 0) ? System.nanoTime() - started : 0;
		try {
			this.observer.selected(outcome, alert, (serverName != null) ? serverName.aLabel() : null, nanos);
		}
		catch (RuntimeException ex) {
			logger.debug("Handshake observer failed", ex);
		}
	}

	/**
	 * The Host/SNI consistency check of the active callback.
	 * @return the check, or {@code null} when the active callback offers none
	 */
	public @Nullable HostConsistency hostConsistency() {
		return (this.callbacks.get() instanceof HostConsistency check) ? check : null;
	}

	/** A callback failure after the decision, such as a context that cannot make engines. */
	void engineFailure(@Nullable String detail, Exception ex) {
		this.callbackFailures.warn("Could not continue the handshake with the selected context (" + detail
				+ "); sent handshake_failure", ex);
	}

	private static List<String> protocolNames(ParsedClientHello hello) {
		List<Integer> versions = hello.supportedVersions().isEmpty() ? List.of(hello.legacyVersion())
				: hello.supportedVersions();
		// Highest first. A loop, not a stream: this runs once per handshake.
		int[] sorted = new int[versions.size()];
		for (int i = 0; i < sorted.length; i++) {
			sorted[i] = versions.get(i);
		}
		Arrays.sort(sorted);
		List<String> names = new ArrayList<>(sorted.length);
		for (int i = sorted.length - 1; i >= 0; i--) {
			String name = protocolName(sorted[i]);
			if (name != null) {
				names.add(name);
			}
		}
		return names;
	}

	private static @Nullable String protocolName(int version) {
		return switch (version) {
			case 0x0304 -> "TLSv1.3";
			case 0x0303 -> "TLSv1.2";
			case 0x0302 -> "TLSv1.1";
			case 0x0301 -> "TLSv1";
			default -> null;
		};
	}

	/** Accepts every host name, so that JSSE binds sessions to the name they were made for. */
	private static final class AnyHostNameMatcher extends SNIMatcher {

		AnyHostNameMatcher() {
			super(StandardConstants.SNI_HOST_NAME);
		}

		@Override
		public boolean matches(SNIServerName serverName) {
			return serverName instanceof SNIHostName || serverName.getType() == StandardConstants.SNI_HOST_NAME;
		}

	}

}
