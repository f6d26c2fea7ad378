package io.github.snistarter.testkit;

import java.util.List;

/**
 * TLS {@code SignatureScheme} codes for the {@code signature_algorithms} extension of a
 * {@link RawClientHello}.
 */
public final class SignatureSchemes {

	public static final int RSA_PKCS1_SHA256 = 0x0401;

	public static final int RSA_PKCS1_SHA384 = 0x0501;

	public static final int RSA_PKCS1_SHA512 = 0x0601;

	public static final int ECDSA_SECP256R1_SHA256 = 0x0403;

	public static final int ECDSA_SECP384R1_SHA384 = 0x0503;

	public static final int ECDSA_SECP521R1_SHA512 = 0x0603;

	public static final int RSA_PSS_RSAE_SHA256 = 0x0804;

	public static final int RSA_PSS_RSAE_SHA384 = 0x0805;

	public static final int RSA_PSS_RSAE_SHA512 = 0x0806;

	public static final int ED25519 = 0x0807;

	/** ECDSA only: a server must present an EC certificate (or fail). */
	public static final List<Integer> ECDSA_ONLY = List.of(ECDSA_SECP256R1_SHA256, ECDSA_SECP384R1_SHA384,
			ECDSA_SECP521R1_SHA512);

	/** RSA only (PSS and PKCS#1): a server must present an RSA certificate (or fail). */
	public static final List<Integer> RSA_ONLY = List.of(RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384,
			RSA_PSS_RSAE_SHA512, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512);

	/** What a typical modern client offers. */
	public static final List<Integer> DEFAULT = List.of(ECDSA_SECP256R1_SHA256, RSA_PSS_RSAE_SHA256,
			RSA_PKCS1_SHA256, ECDSA_SECP384R1_SHA384, RSA_PSS_RSAE_SHA384, RSA_PKCS1_SHA384, RSA_PSS_RSAE_SHA512,
			RSA_PKCS1_SHA512);

	private SignatureSchemes() {
	}

}
