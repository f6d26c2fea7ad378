package io.github.snistarter;

/**
 * The fatal TLS alerts a {@link ServerNameCallback} may end a handshake with (RFC 8446
 * §6.2, RFC 6066 §3). The client receives exactly one alert record of level fatal (2)
 * with this description, sent in clear before any other server byte, and then the
 * connection closes.
 */
public enum TlsAlert {

	/** 10: the client sent something other than a ClientHello first. */
	UNEXPECTED_MESSAGE(10),

	/** 40: no acceptable set of security parameters; also what a failing callback sends. */
	HANDSHAKE_FAILURE(40),

	/** 47: a field was out of range or inconsistent, such as a malformed server name. */
	ILLEGAL_PARAMETER(47),

	/** 49: the client is not allowed to connect to this name. */
	ACCESS_DENIED(49),

	/** 50: the ClientHello could not be decoded. */
	DECODE_ERROR(50),

	/** 70: the client offered no protocol version the server accepts. */
	PROTOCOL_VERSION(70),

	/** 71: the client's parameters are weaker than the server requires. */
	INSUFFICIENT_SECURITY(71),

	/** 80: a server-side failure unrelated to the client, also sent for IDNA failures. */
	INTERNAL_ERROR(80),

	/** 112: the server does not serve the requested name. */
	UNRECOGNIZED_NAME(112),

	/** 120: the client offered no application protocol the server accepts. */
	NO_APPLICATION_PROTOCOL(120);

	private final int code;

	TlsAlert(int code) {
		this.code = code;
	}

	/**
	 * The alert description byte as it appears on the wire.
	 * @return the code, for example 112 for {@link #UNRECOGNIZED_NAME}
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The alert for a wire code.
	 * @param code an alert description byte
	 * @return the alert
	 * @throws IllegalArgumentException if the code is not one of these alerts
	 */
	public static TlsAlert ofCode(int code) {
		for (TlsAlert alert : values()) {
			if (alert.code == code) {
				return alert;
			}
		}
		throw new IllegalArgumentException("Not a fatal alert a callback can send: " + code);
	}

}
