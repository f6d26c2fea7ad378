package io.github.snistarter.store;

/**
 * Certificate material that cannot be served. The message names the source and the
 * reason; it never contains key material.
 */
public class InvalidCertificateException extends RuntimeException {

	private final String source;

	private final String reason;

	public InvalidCertificateException(String source, String reason) {
		super("Certificate from " + source + " rejected: " + reason);
		this.source = source;
		this.reason = reason;
	}

	/**
	 * Where the material came from.
	 * @return the source, for example {@code bundle 'alpha'}
	 */
	public String getSource() {
		return this.source;
	}

	/**
	 * Why it was rejected.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
