package io.github.snistarter.store;

import java.security.PublicKey;
import java.util.List;
import java.util.Set;

import io.github.snistarter.ClientHello;

/**
 * The kind of key a certificate holds, which decides which clients can use it: a client
 * that offers only ECDSA signature schemes cannot verify a server that signs with RSA,
 * and the other way round.
 */
public enum KeyAlgorithm {

	/** An RSA key ({@code rsaEncryption}). */
	RSA,

	/** An elliptic-curve key used with ECDSA. */
	EC,

	/** An Edwards-curve key (Ed25519 or Ed448). */
	EDDSA,

	/** Any other key; assumed usable by every client. */
	OTHER;

	private static final List<Integer> EDDSA_SCHEMES = List.of(0x0807, 0x0808);

	/** TLS 1.2 suites authenticated with an ECDSA (or EdDSA) certificate. */
	private static final Set<Integer> ECDSA_SUITES = Set.of(0xc009, 0xc00a, 0xc023, 0xc024, 0xc02b, 0xc02c, 0xcca9,
			0xc0ac, 0xc0ad, 0xc0ae, 0xc0af, 0xc072, 0xc073, 0xc05c, 0xc05d);

	/** TLS 1.2 suites authenticated with an RSA certificate, as clients commonly offer them. */
	private static final Set<Integer> RSA_SUITES = Set.of(0xc013, 0xc014, 0xc027, 0xc028, 0xc02f, 0xc030, 0xcca8,
			0x0033, 0x0039, 0x0067, 0x006b, 0x009e, 0x009f, 0xccaa, 0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d,
			0x000a);

	/**
	 * The algorithm of a public or private key.
	 * @param algorithm the JCA algorithm name, such as {@code EC} or {@code RSA}
	 * @return the key algorithm
	 */
	public static KeyAlgorithm of(String algorithm) {
		return switch (algorithm) {
			case "RSA" -> RSA;
			case "EC" -> EC;
			case "EdDSA", "Ed25519", "Ed448" -> EDDSA;
			default -> OTHER;
		};
	}

	/**
	 * The algorithm of a public key.
	 * @param key the key
	 * @return the key algorithm
	 */
	public static KeyAlgorithm of(PublicKey key) {
		return of(key.getAlgorithm());
	}

	/**
	 * Whether a client can use a certificate with a key of this kind: it offered a
	 * signature scheme for it, and, when it cannot speak TLS 1.3 (where cipher suites do
	 * not depend on the certificate), a TLS 1.2 cipher suite for it.
	 * @param clientHello what the client sent
	 * @return whether a certificate with this kind of key can serve the client
	 */
	public boolean usableBy(ClientHello clientHello) {
		boolean signatures = switch (this) {
			case RSA -> clientHello.acceptsRsa();
			case EC -> clientHello.acceptsEcdsa();
			case EDDSA -> clientHello.signatureSchemes().isEmpty()
					|| clientHello.signatureSchemes().stream().anyMatch(EDDSA_SCHEMES::contains);
			case OTHER -> true;
		};
		return signatures && (clientHello.protocolVersions().contains("TLSv1.3") || offersSuiteFor(clientHello));
	}

	private boolean offersSuiteFor(ClientHello clientHello) {
		if (this == OTHER) {
			return true;
		}
		Set<Integer> suites = (this == RSA) ? RSA_SUITES : ECDSA_SUITES;
		return clientHello.cipherSuites().stream().anyMatch(suites::contains);
	}

}
