package io.github.snistarter.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A TLS alert description: its numeric code and its registered name (IANA "TLS Alerts"
 * registry, the names JSSE and OpenSSL print). Known alerts are available as constants,
 * e.g. {@link #UNRECOGNIZED_NAME}, so tests can write
 * {@code assertThat(result.alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME)}.
 *
 * @param code the alert description byte (0-255)
 * @param name the registered name, or {@code unknown(<code>)}
 */
public record TlsAlert(int code, String name) {

	/** Alert level byte of a warning alert. */
	public static final int LEVEL_WARNING = 1;

	/** Alert level byte of a fatal alert. */
	public static final int LEVEL_FATAL = 2;

	public static final TlsAlert CLOSE_NOTIFY = new TlsAlert(0, "close_notify");

	public static final TlsAlert UNEXPECTED_MESSAGE = new TlsAlert(10, "unexpected_message");

	public static final TlsAlert BAD_RECORD_MAC = new TlsAlert(20, "bad_record_mac");

	public static final TlsAlert DECRYPTION_FAILED = new TlsAlert(21, "decryption_failed");

	public static final TlsAlert RECORD_OVERFLOW = new TlsAlert(22, "record_overflow");

	public static final TlsAlert DECOMPRESSION_FAILURE = new TlsAlert(30, "decompression_failure");

	public static final TlsAlert HANDSHAKE_FAILURE = new TlsAlert(40, "handshake_failure");

	public static final TlsAlert NO_CERTIFICATE = new TlsAlert(41, "no_certificate");

	public static final TlsAlert BAD_CERTIFICATE = new TlsAlert(42, "bad_certificate");

	public static final TlsAlert UNSUPPORTED_CERTIFICATE = new TlsAlert(43, "unsupported_certificate");

	public static final TlsAlert CERTIFICATE_REVOKED = new TlsAlert(44, "certificate_revoked");

	public static final TlsAlert CERTIFICATE_EXPIRED = new TlsAlert(45, "certificate_expired");

	public static final TlsAlert CERTIFICATE_UNKNOWN = new TlsAlert(46, "certificate_unknown");

	public static final TlsAlert ILLEGAL_PARAMETER = new TlsAlert(47, "illegal_parameter");

	public static final TlsAlert UNKNOWN_CA = new TlsAlert(48, "unknown_ca");

	public static final TlsAlert ACCESS_DENIED = new TlsAlert(49, "access_denied");

	public static final TlsAlert DECODE_ERROR = new TlsAlert(50, "decode_error");

	public static final TlsAlert DECRYPT_ERROR = new TlsAlert(51, "decrypt_error");

	public static final TlsAlert EXPORT_RESTRICTION = new TlsAlert(60, "export_restriction");

	public static final TlsAlert PROTOCOL_VERSION = new TlsAlert(70, "protocol_version");

	public static final TlsAlert INSUFFICIENT_SECURITY = new TlsAlert(71, "insufficient_security");

	public static final TlsAlert INTERNAL_ERROR = new TlsAlert(80, "internal_error");

	public static final TlsAlert INAPPROPRIATE_FALLBACK = new TlsAlert(86, "inappropriate_fallback");

	public static final TlsAlert USER_CANCELED = new TlsAlert(90, "user_canceled");

	public static final TlsAlert NO_RENEGOTIATION = new TlsAlert(100, "no_renegotiation");

	public static final TlsAlert MISSING_EXTENSION = new TlsAlert(109, "missing_extension");

	public static final TlsAlert UNSUPPORTED_EXTENSION = new TlsAlert(110, "unsupported_extension");

	public static final TlsAlert CERTIFICATE_UNOBTAINABLE = new TlsAlert(111, "certificate_unobtainable");

	public static final TlsAlert UNRECOGNIZED_NAME = new TlsAlert(112, "unrecognized_name");

	public static final TlsAlert BAD_CERTIFICATE_STATUS_RESPONSE = new TlsAlert(113,
			"bad_certificate_status_response");

	public static final TlsAlert BAD_CERTIFICATE_HASH_VALUE = new TlsAlert(114, "bad_certificate_hash_value");

	public static final TlsAlert UNKNOWN_PSK_IDENTITY = new TlsAlert(115, "unknown_psk_identity");

	public static final TlsAlert CERTIFICATE_REQUIRED = new TlsAlert(116, "certificate_required");

	public static final TlsAlert NO_APPLICATION_PROTOCOL = new TlsAlert(120, "no_application_protocol");

	public static final TlsAlert ECH_REQUIRED = new TlsAlert(121, "ech_required");

	private static final List<TlsAlert> ALL = List.of(CLOSE_NOTIFY, UNEXPECTED_MESSAGE, BAD_RECORD_MAC,
			DECRYPTION_FAILED, RECORD_OVERFLOW, DECOMPRESSION_FAILURE, HANDSHAKE_FAILURE, NO_CERTIFICATE,
			BAD_CERTIFICATE, UNSUPPORTED_CERTIFICATE, CERTIFICATE_REVOKED, CERTIFICATE_EXPIRED, CERTIFICATE_UNKNOWN,
			ILLEGAL_PARAMETER, UNKNOWN_CA, ACCESS_DENIED, DECODE_ERROR, DECRYPT_ERROR, EXPORT_RESTRICTION,
			PROTOCOL_VERSION, INSUFFICIENT_SECURITY, INTERNAL_ERROR, INAPPROPRIATE_FALLBACK, USER_CANCELED,
			NO_RENEGOTIATION, MISSING_EXTENSION, UNSUPPORTED_EXTENSION, CERTIFICATE_UNOBTAINABLE, UNRECOGNIZED_NAME,
			BAD_CERTIFICATE_STATUS_RESPONSE, BAD_CERTIFICATE_HASH_VALUE, UNKNOWN_PSK_IDENTITY, CERTIFICATE_REQUIRED,
			NO_APPLICATION_PROTOCOL, ECH_REQUIRED);

	private static final Map<Integer, TlsAlert> BY_CODE = new LinkedHashMap<>();

	private static final Map<String, TlsAlert> BY_NAME = new LinkedHashMap<>();

	static {
		for (TlsAlert alert : ALL) {
			BY_CODE.put(alert.code(), alert);
			BY_NAME.put(alert.name(), alert);
		}
	}

	/** Every registered alert, in code order. */
	public static List<TlsAlert> all() {
		return ALL;
	}

	/** The alert with this code; an {@code unknown(<code>)} alert for unregistered codes. */
	public static TlsAlert of(int code) {
		TlsAlert alert = BY_CODE.get(code);
		return (alert != null) ? alert : new TlsAlert(code, "unknown(" + code + ")");
	}

	/** The alert with this registered name, e.g. {@code "unrecognized_name"}. */
	public static Optional<TlsAlert> byName(String name) {
		return Optional.ofNullable(BY_NAME.get(name));
	}

	@Override
	public String toString() {
		return this.name + "(" + this.code + ")";
	}

}
