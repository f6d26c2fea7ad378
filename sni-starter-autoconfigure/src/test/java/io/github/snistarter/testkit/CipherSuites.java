package io.github.snistarter.testkit;

import java.util.List;

/**
 * Cipher suite codes (for {@link RawClientHello}) and JSSE names (for {@link TlsClient}).
 */
public final class CipherSuites {

	public static final int TLS_AES_128_GCM_SHA256 = 0x1301;

	public static final int TLS_AES_256_GCM_SHA384 = 0x1302;

	public static final int TLS_CHACHA20_POLY1305_SHA256 = 0x1303;

	public static final int TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b;

	public static final int TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f;

	public static final int TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c;

	public static final int TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030;

	public static final int TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9;

	public static final int TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8;

	/** Signalling value telling a server the client supports secure renegotiation (RFC 5746). */
	public static final int TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

	/** TLS 1.3 suites. */
	public static final List<Integer> TLS13_CODES = List.of(TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
			TLS_CHACHA20_POLY1305_SHA256);

	/** TLS 1.2 ECDHE suites for ECDSA and RSA certificates. */
	public static final List<Integer> TLS12_CODES = List.of(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256);

	/** TLS 1.2 suites (JSSE names) that a server can only use with an ECDSA certificate. */
	public static final List<String> TLS12_ECDSA = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

	/** TLS 1.2 suites (JSSE names) that a server can only use with an RSA certificate. */
	public static final List<String> TLS12_RSA = List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	private CipherSuites() {
	}

}
