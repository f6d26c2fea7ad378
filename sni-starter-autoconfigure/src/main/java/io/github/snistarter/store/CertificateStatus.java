package io.github.snistarter.store;

/**
 * The state of a certificate a source holds.
 */
public enum CertificateStatus {

	/** Loaded and within its validity period. */
	SERVING,

	/**
	 * Loaded but past its {@code notAfter}: served only for names no valid certificate
	 * covers.
	 */
	EXPIRED,

	/**
	 * Loaded but before its {@code notBefore}: served only for names no valid certificate
	 * covers.
	 */
	NOT_YET_VALID,

	/** Refused when loaded; the reason says why. Never served. */
	REJECTED

}
