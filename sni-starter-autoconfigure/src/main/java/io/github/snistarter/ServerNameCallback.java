package io.github.snistarter;

import org.jspecify.annotations.Nullable;

/**
 * Chooses, for every full TLS handshake, which {@link javax.net.ssl.SSLContext} serves
 * the connection, or refuses it. The Java counterpart of Python's
 * {@code SSLContext.set_servername_callback} and Go's {@code GetConfigForClient}.
 * <p>
 * It is called once per full handshake, on the server's worker thread, after the
 * ClientHello has been read and before the server has sent any byte. It is not called
 * when the server name is malformed (the client gets {@code illegal_parameter} or
 * {@code decode_error}) or fails IDNA decoding (the client gets {@code internal_error}).
 * <p>
 * What reaches the wire:
 * <ul>
 * <li>{@link SniDecision#use(javax.net.ssl.SSLContext)}: that context's certificate;</li>
 * <li>{@link SniDecision#useDefault()} or {@code null}: the connector's default
 * certificate;</li>
 * <li>{@link SniDecision#fail(TlsAlert)}: that fatal alert, then the connection
 * closes;</li>
 * <li>any exception: fatal {@code handshake_failure} (40), logged at WARN with the
 * server name (rate-limited). The default certificate is never used as a fallback.</li>
 * </ul>
 * Implementations must be thread-safe and fast: a slow callback holds a server worker
 * thread.
 */
@FunctionalInterface
public interface ServerNameCallback {

	/**
	 * Decide how to continue the handshake.
	 * @param clientHello what the client sent
	 * @return the decision, or {@code null} to continue with the default context
	 * @throws Exception to end the handshake with {@code handshake_failure}
	 */
	@Nullable SniDecision select(ClientHello clientHello) throws Exception;

}
