package io.github.snistarter.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
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

	private static final SNIMatcher ANY_HOST_NAME = new AnyHostNameMatcher();

	private final ActiveServerNameCallback callbacks;

	private final Supplier<SSLContext> defaultContext;

	private final RateLimitedLog callbackFailures;

	/**
	 * Create a selector.
	 * @param callbacks the active callback
	 * @param defaultContext the connector's default context, as shown to callbacks
	 * @param failureLogInterval at most one callback-failure line per interval
	 */
	public ServerNameSelector(ActiveServerNameCallback callbacks, Supplier<SSLContext> defaultContext,
			Duration failureLogInterval) {
		this.callbacks = callbacks;
		this.defaultContext = defaultContext;
		this.callbackFailures = new RateLimitedLog(logger, failureLogInterval);
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
		// With an SNI matcher in place JSSE refuses to resume a session under another name.
		SSLParameters parameters = connectorEngine.getSSLParameters();
		parameters.setSNIMatchers(List.of(ANY_HOST_NAME));
		connectorEngine.setSSLParameters(parameters);
		return new SelectingSslEngine(connectorEngine, this, remoteAddress);
	}

	/**
	 * Decide how a handshake continues.
	 * @param hello the parsed ClientHello
	 * @param remoteAddress the client's address
	 * @return the decision; never {@code null}
	 */
	SniDecision decide(ParsedClientHello hello, @Nullable InetSocketAddress remoteAddress) {
		ServerName serverName;
		try {
			serverName = (hello.hostName() != null) ? ServerNames.normalize(hello.hostName()) : null;
		}
		catch (TlsFormatException ex) {
			logger.debug("Refused server name from {}: {}", remoteAddress, ex.getMessage());
			return SniDecision.fail(ex.alert());
		}
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
			return SniDecision.fail(TlsAlert.HANDSHAKE_FAILURE);
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
		List<String> names = new ArrayList<>(versions.size());
		versions.stream()
			.sorted((a, b) -> Integer.compare(b, a))
			.map(ServerNameSelector::protocolName)
			.filter((name) -> name != null)
			.forEach(names::add);
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
