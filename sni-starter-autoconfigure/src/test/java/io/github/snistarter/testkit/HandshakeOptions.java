package io.github.snistarter.testkit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLParameters;

/**
 * Immutable options for {@link TlsClient}; every setter returns a modified copy.
 * <p>
 * <b>Signature schemes on JDK 17:</b> {@code SSLParameters.setSignatureSchemes} only exists
 * from JDK 19 and the {@code jdk.tls.client.SignatureSchemes} system property is global and
 * read once per JVM. {@link #signatureSchemes(String...)} therefore only works on JDK 19+
 * (check {@link #signatureSchemesSupported()}). On JDK 17, make the server pick an ECDSA or
 * RSA certificate by offering only {@link CipherSuites#TLS12_ECDSA} or
 * {@link CipherSuites#TLS12_RSA} over TLS 1.2 (TLS 1.3 suites do not name the key type), or
 * send a ClientHello with an exact {@code signature_algorithms} list via
 * {@link RawClientHello}.
 */
public final class HandshakeOptions {

	private static final HandshakeOptions DEFAULTS = new HandshakeOptions(List.of(), Duration.ofSeconds(5),
			List.of(), List.of(), false, Duration.ZERO);

	private final List<String> alpnProtocols;

	private final Duration readTimeout;

	private final List<String> cipherSuites;

	private final List<String> signatureSchemes;

	private final boolean verifyHostname;

	private final Duration postHandshakeRead;

	private HandshakeOptions(List<String> alpnProtocols, Duration readTimeout, List<String> cipherSuites,
			List<String> signatureSchemes, boolean verifyHostname, Duration postHandshakeRead) {
		this.alpnProtocols = alpnProtocols;
		this.readTimeout = readTimeout;
		this.cipherSuites = cipherSuites;
		this.signatureSchemes = signatureSchemes;
		this.verifyHostname = verifyHostname;
		this.postHandshakeRead = postHandshakeRead;
	}

	/** No ALPN, 5 s read timeout, JDK default cipher suites and signature schemes, no hostname check. */
	public static HandshakeOptions defaults() {
		return DEFAULTS;
	}

	/** ALPN protocols to offer, e.g. {@code "h2", "http/1.1"}; none offered when empty. */
	public HandshakeOptions alpn(String... protocols) {
		return new HandshakeOptions(List.of(protocols), this.readTimeout, this.cipherSuites, this.signatureSchemes,
				this.verifyHostname, this.postHandshakeRead);
	}

	/** Socket read timeout for the handshake and any later read; connect uses it too. */
	public HandshakeOptions readTimeout(Duration timeout) {
		return new HandshakeOptions(this.alpnProtocols, Objects.requireNonNull(timeout), this.cipherSuites,
				this.signatureSchemes, this.verifyHostname, this.postHandshakeRead);
	}

	/** JSSE cipher suite names to offer (see {@link CipherSuites}); JDK defaults when empty. */
	public HandshakeOptions cipherSuites(String... suites) {
		return cipherSuites(List.of(suites));
	}

	/** JSSE cipher suite names to offer (see {@link CipherSuites}); JDK defaults when empty. */
	public HandshakeOptions cipherSuites(List<String> suites) {
		return new HandshakeOptions(this.alpnProtocols, this.readTimeout, List.copyOf(suites), this.signatureSchemes,
				this.verifyHostname, this.postHandshakeRead);
	}

	/**
	 * Signature scheme names to offer, e.g. {@code "ecdsa_secp256r1_sha256"}. Needs JDK 19+;
	 * on older JDKs {@link TlsClient} throws {@link UnsupportedOperationException} (see class
	 * comment for the alternatives).
	 */
	public HandshakeOptions signatureSchemes(String... schemes) {
		return new HandshakeOptions(this.alpnProtocols, this.readTimeout, this.cipherSuites, List.of(schemes),
				this.verifyHostname, this.postHandshakeRead);
	}

	/**
	 * Verify the server certificate's names against the SNI name (RFC 2818 / "HTTPS"
	 * endpoint identification). Only meaningful with a {@link TlsClient#trusting trusting}
	 * client; the trust-all client checks nothing.
	 */
	public HandshakeOptions verifyHostname(boolean verify) {
		return new HandshakeOptions(this.alpnProtocols, this.readTimeout, this.cipherSuites, this.signatureSchemes,
				verify, this.postHandshakeRead);
	}

	/**
	 * After a successful handshake, read once for up to this long. This lets the client
	 * process TLS 1.3 NewSessionTicket messages (needed before a later connection can
	 * resume) and notice alerts a server sends after the client's Finished. Zero (default)
	 * skips the read.
	 */
	public HandshakeOptions postHandshakeRead(Duration duration) {
		return new HandshakeOptions(this.alpnProtocols, this.readTimeout, this.cipherSuites, this.signatureSchemes,
				this.verifyHostname, Objects.requireNonNull(duration));
	}

	public List<String> alpnProtocols() {
		return this.alpnProtocols;
	}

	public Duration readTimeout() {
		return this.readTimeout;
	}

	public List<String> cipherSuites() {
		return this.cipherSuites;
	}

	public List<String> signatureSchemes() {
		return this.signatureSchemes;
	}

	public boolean verifyHostname() {
		return this.verifyHostname;
	}

	public Duration postHandshakeRead() {
		return this.postHandshakeRead;
	}

	/** Whether this JDK has {@code SSLParameters.setSignatureSchemes} (JDK 19+). */
	public static boolean signatureSchemesSupported() {
		return setSignatureSchemesMethod() != null;
	}

	void applyTo(SSLParameters parameters) {
		if (!this.alpnProtocols.isEmpty()) {
			parameters.setApplicationProtocols(this.alpnProtocols.toArray(String[]::new));
		}
		if (!this.cipherSuites.isEmpty()) {
			parameters.setCipherSuites(this.cipherSuites.toArray(String[]::new));
		}
		if (this.verifyHostname) {
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
		}
		if (!this.signatureSchemes.isEmpty()) {
			Method method = setSignatureSchemesMethod();
			if (method == null) {
				throw new UnsupportedOperationException("SSLParameters.setSignatureSchemes needs JDK 19+; on "
						+ Runtime.version().feature() + " restrict TLS 1.2 cipher suites or use RawClientHello");
			}
			try {
				method.invoke(parameters, (Object) this.signatureSchemes.toArray(String[]::new));
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	private static Method setSignatureSchemesMethod() {
		try {
			return SSLParameters.class.getMethod("setSignatureSchemes", String[].class);
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "HandshakeOptions[alpn=" + this.alpnProtocols + ", readTimeout=" + this.readTimeout + ", cipherSuites="
				+ this.cipherSuites + ", signatureSchemes=" + this.signatureSchemes + ", verifyHostname="
				+ this.verifyHostname + ", postHandshakeRead=" + this.postHandshakeRead + "]";
	}

}
