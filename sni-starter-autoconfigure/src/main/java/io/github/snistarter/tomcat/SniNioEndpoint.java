package io.github.snistarter.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLEngine;

import io.github.snistarter.core.HostConsistency;
import io.github.snistarter.core.ServerNameSelector;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.apache.tomcat.util.net.openssl.ciphers.Cipher;
import org.apache.tomcat.util.net.openssl.ciphers.Group;
import org.apache.tomcat.util.net.openssl.ciphers.SignatureScheme;
import org.jspecify.annotations.Nullable;

/**
 * Tomcat's NIO endpoint with per-connection engine selection. Tomcat creates each
 * connection's engine on the worker thread that runs the handshake; this endpoint
 * lets Tomcat build its engine as usual (so the connector's policy is applied) and
 * hands it to the {@link ServerNameSelector}, which decides once the whole ClientHello
 * has been read.
 */
public class SniNioEndpoint extends NioEndpoint {

	private static final ThreadLocal<@Nullable SocketWrapperBase<NioChannel>> HANDSHAKING = new ThreadLocal<>();

	private volatile @Nullable ServerNameSelector selector;

	void setSelector(@Nullable ServerNameSelector selector) {
		this.selector = selector;
	}

	@Nullable ServerNameSelector getSelector() {
		return this.selector;
	}

	@Override
	protected SSLEngine createSSLEngine(String sniHostName, List<Cipher> clientRequestedCiphers,
			List<String> clientRequestedApplicationProtocols, List<String> clientRequestedProtocols,
			List<Group> clientSupportedGroups, List<SignatureScheme> clientSignatureSchemes) {
		SSLEngine engine = super.createSSLEngine(sniHostName, clientRequestedCiphers,
				clientRequestedApplicationProtocols, clientRequestedProtocols, clientSupportedGroups,
				clientSignatureSchemes);
		ServerNameSelector selector = this.selector;
		return (selector != null) ? selector.wrap(engine, remoteAddress(HANDSHAKING.get())) : engine;
	}

	@Override
	public boolean checkSni(String sniHostName, String protocolHostName) {
		ServerNameSelector selector = this.selector;
		HostConsistency check = (selector != null) ? selector.hostConsistency() : null;
		if (check == null || !getStrictSni() || !isSSLEnabled()) {
			return super.checkSni(sniHostName, protocolHostName);
		}
		if (sniHostName != null && sniHostName.equalsIgnoreCase(protocolHostName)) {
			return true;
		}
		return protocolHostName != null
				&& check.sameCertificate(sniHostName, protocolHostName.toLowerCase(Locale.ROOT));
	}

	@Override
	protected NioChannel createChannel(SocketBufferHandler buffer) {
		return isSSLEnabled() ? new SniSecureNioChannel(buffer, this) : super.createChannel(buffer);
	}

	@Override
	protected SocketProcessorBase<NioChannel> createSocketProcessor(SocketWrapperBase<NioChannel> socketWrapper,
			SocketEvent event) {
		return new HandshakeAwareSocketProcessor(socketWrapper, event);
	}

	private static @Nullable InetSocketAddress remoteAddress(@Nullable SocketWrapperBase<NioChannel> wrapper) {
		if (wrapper == null) {
			return null;
		}
		try {
			SocketAddress address = wrapper.getSocket().getIOChannel().getRemoteAddress();
			return (address instanceof InetSocketAddress inet) ? inet : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Tomcat's socket processor, which makes the connection being processed known to
	 * {@link #createSSLEngine} on the same thread so the callback can see the client's
	 * address.
	 */
	private final class HandshakeAwareSocketProcessor extends SocketProcessor {

		HandshakeAwareSocketProcessor(SocketWrapperBase<NioChannel> socketWrapper, SocketEvent event) {
			super(socketWrapper, event);
		}

		@Override
		protected void doRun() {
			HANDSHAKING.set(this.socketWrapper);
			try {
				super.doRun();
			}
			finally {
				HANDSHAKING.remove();
			}
		}

	}

}
