package io.github.snistarter.core;

import io.github.snistarter.TlsAlert;

/**
 * Input that breaks the TLS or RFC 6066 rules, with the alert the client gets for it.
 */
final class TlsFormatException extends Exception {

	private final TlsAlert alert;

	TlsFormatException(TlsAlert alert, String message) {
		super(message, null, false, false);
		this.alert = alert;
	}

	TlsAlert alert() {
		return this.alert;
	}

}
