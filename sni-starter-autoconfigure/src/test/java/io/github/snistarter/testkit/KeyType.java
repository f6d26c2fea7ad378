package io.github.snistarter.testkit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * Key algorithms the test kit can generate. Keys are always created at runtime; none are stored.
 */
public enum KeyType {

	/**
	 * RSA with a 2048-bit modulus. Generation is slow (from 0.1 s to 2 s each on a
	 * two-core machine), so a background thread keeps two fresh key pairs ready once the
	 * first one was asked for.
	 */
	RSA_2048("RSA", "SHA256withRSA"),

	/** ECDSA on NIST P-256 / secp256r1 (key generation takes about a millisecond). */
	EC_P256("EC", "SHA256withECDSA");

	private static final PrefetchingKeyGenerator RSA_KEYS = new PrefetchingKeyGenerator("rsa-2048",
			() -> generate(RSA_2048));

	private final String algorithm;

	private final String signatureAlgorithm;

	KeyType(String algorithm, String signatureAlgorithm) {
		this.algorithm = algorithm;
		this.signatureAlgorithm = signatureAlgorithm;
	}

	/** JCA key algorithm name, {@code "RSA"} or {@code "EC"}. */
	public String algorithm() {
		return this.algorithm;
	}

	/** JCA signature algorithm used when a key of this type signs a certificate. */
	public String signatureAlgorithm() {
		return this.signatureAlgorithm;
	}

	/** A fresh key pair of this type, never handed out before. */
	public KeyPair generateKeyPair() {
		return (this == RSA_2048) ? RSA_KEYS.next() : generate(this);
	}

	private static KeyPair generate(KeyType type) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(type.algorithm);
			if (type == RSA_2048) {
				generator.initialize(2048);
			}
			else {
				generator.initialize(new ECGenParameterSpec("secp256r1"));
			}
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot generate " + type + " key pair", ex);
		}
	}

}
