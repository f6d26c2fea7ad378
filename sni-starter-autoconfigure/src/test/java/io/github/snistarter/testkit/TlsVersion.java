package io.github.snistarter.testkit;

/**
 * The TLS versions the clients of this kit speak, with their JDK, OpenSSL and wire names.
 */
public enum TlsVersion {

	TLS12("TLSv1.2", "-tls1_2", 0x0303),

	TLS13("TLSv1.3", "-tls1_3", 0x0304);

	private final String jdkName;

	private final String openSslFlag;

	private final int wireVersion;

	TlsVersion(String jdkName, String openSslFlag, int wireVersion) {
		this.jdkName = jdkName;
		this.openSslFlag = openSslFlag;
		this.wireVersion = wireVersion;
	}

	/** Protocol name as used by JSSE, e.g. {@code "TLSv1.3"}. */
	public String jdkName() {
		return this.jdkName;
	}

	/** The {@code openssl s_client} option that pins this version, e.g. {@code "-tls1_3"}. */
	public String openSslFlag() {
		return this.openSslFlag;
	}

	/** The two-byte protocol version on the wire, e.g. {@code 0x0304}. */
	public int wireVersion() {
		return this.wireVersion;
	}

}
