package io.github.snistarter.store;

/**
 * What a handshake gets when no certificate covers the server name the client sent.
 */
public enum UnknownNamePolicy {

	/** Serve the default certificate. */
	DEFAULT,

	/** End the handshake with a fatal {@code unrecognized_name} (112) alert. */
	REJECT

}
