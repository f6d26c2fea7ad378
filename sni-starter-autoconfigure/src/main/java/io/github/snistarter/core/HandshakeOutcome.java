package io.github.snistarter.core;

/**
 * How the selection for one ClientHello ended, as {@link HandshakeObserver observers}
 * see it.
 */
public enum HandshakeOutcome {

	/** A certificate other than the default serves the connection. */
	SELECTED,

	/**
	 * The default certificate serves the connection: the client sent no server name (or
	 * an IP address), the name is unknown under the {@code default} policy, the callback
	 * chose the default, or no callback is active.
	 */
	DEFAULT,

	/**
	 * A fatal alert because of what the client sent: an unknown name under the
	 * {@code reject} policy, a callback's refusal, a malformed server name or a
	 * ClientHello that cannot be decoded.
	 */
	REJECTED,

	/**
	 * A fatal alert because of a fault on the server's side: the callback threw
	 * ({@code handshake_failure}), answered {@code internal_error} (for example a
	 * certificate that could not be loaded in time), or the selected context could not
	 * start the handshake.
	 */
	FAILED

}
