package io.github.snistarter.testkit;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What happened when {@link TlsClient} tried a handshake: a success with the server's
 * certificate chain and negotiated parameters, or a failure with the alert received, a
 * close without alert, a timeout, or a failure on the client side.
 */
public final class HandshakeResult {

	/** How the handshake ended. */
	public enum Outcome {

		/** The handshake completed. */
		SUCCESS,

		/** The server sent a TLS alert ({@link #alert()}). */
		ALERT,

		/** The server closed or reset the connection without sending an alert. */
		CLOSED_WITHOUT_ALERT,

		/** Nothing arrived within the read timeout. */
		TIMEOUT,

		/**
		 * The client gave up by itself (connection refused, certificate not trusted, no
		 * common protocol configured, ...); see {@link #failure()}.
		 */
		CLIENT_FAILURE

	}

	private final Outcome outcome;

	private final @Nullable String sniName;

	private final Duration elapsed;

	private final X509Certificate @Nullable [] peerChain;

	private final @Nullable String protocol;

	private final @Nullable String cipherSuite;

	private final @Nullable String applicationProtocol;

	private final byte @Nullable [] sessionId;

	private final boolean resumed;

	private final @Nullable TlsAlert alert;

	private final int alertLevel;

	private final @Nullable Throwable failure;

	private HandshakeResult(Outcome outcome, @Nullable String sniName, Duration elapsed,
			X509Certificate @Nullable [] peerChain, @Nullable String protocol, @Nullable String cipherSuite,
			@Nullable String applicationProtocol, byte @Nullable [] sessionId, boolean resumed,
			@Nullable TlsAlert alert, int alertLevel, @Nullable Throwable failure) {
		this.outcome = outcome;
		this.sniName = sniName;
		this.elapsed = elapsed;
		this.peerChain = peerChain;
		this.protocol = protocol;
		this.cipherSuite = cipherSuite;
		this.applicationProtocol = applicationProtocol;
		this.sessionId = sessionId;
		this.resumed = resumed;
		this.alert = alert;
		this.alertLevel = alertLevel;
		this.failure = failure;
	}

	static HandshakeResult success(@Nullable String sniName, Duration elapsed, X509Certificate[] peerChain,
			String protocol, String cipherSuite, @Nullable String applicationProtocol, byte[] sessionId,
			boolean resumed) {
		return new HandshakeResult(Outcome.SUCCESS, sniName, elapsed, peerChain, protocol, cipherSuite,
				applicationProtocol, sessionId, resumed, null, 0, null);
	}

	static HandshakeResult failure(Outcome outcome, @Nullable String sniName, Duration elapsed,
			@Nullable TlsAlert alert, int alertLevel, Throwable failure) {
		return new HandshakeResult(outcome, sniName, elapsed, null, null, null, null, null, false, alert, alertLevel,
				failure);
	}

	/** A successful handshake that was followed by an alert on the first read. */
	HandshakeResult withLateAlert(TlsAlert alert, int alertLevel, Throwable failure) {
		return new HandshakeResult(Outcome.ALERT, this.sniName, this.elapsed, this.peerChain, this.protocol,
				this.cipherSuite, this.applicationProtocol, this.sessionId, this.resumed, alert, alertLevel, failure);
	}

	public Outcome outcome() {
		return this.outcome;
	}

	public boolean isSuccess() {
		return this.outcome == Outcome.SUCCESS;
	}

	/** The SNI name the client sent, {@code null} when it sent none. */
	public @Nullable String sniName() {
		return this.sniName;
	}

	/** Time spent in the handshake (excluding the TCP connect). */
	public Duration elapsed() {
		return this.elapsed;
	}

	/**
	 * The server's certificate chain, leaf first, or an empty array when the handshake did
	 * not get that far.
	 */
	public X509Certificate[] peerChain() {
		return (this.peerChain != null) ? this.peerChain.clone() : new X509Certificate[0];
	}

	/** The server's leaf certificate; fails if the handshake did not succeed. */
	public X509Certificate leafCertificate() {
		if (this.peerChain == null || this.peerChain.length == 0) {
			throw new IllegalStateException("No server certificate: " + this);
		}
		return this.peerChain[0];
	}

	/** The DNS SANs of the server's leaf certificate. */
	public List<String> leafDnsNames() {
		return IssuedCertificate.dnsNames(leafCertificate());
	}

	/** Negotiated protocol, e.g. {@code "TLSv1.3"}; {@code null} on failure. */
	public @Nullable String protocol() {
		return this.protocol;
	}

	/** Negotiated cipher suite (JSSE name); {@code null} on failure. */
	public @Nullable String cipherSuite() {
		return this.cipherSuite;
	}

	/**
	 * Negotiated ALPN protocol: {@code null} on failure, {@code ""} when none was
	 * negotiated, else e.g. {@code "h2"}.
	 */
	public @Nullable String applicationProtocol() {
		return this.applicationProtocol;
	}

	/** Session id bytes, {@code null} on failure. */
	public byte @Nullable [] sessionId() {
		return (this.sessionId != null) ? this.sessionId.clone() : null;
	}

	/** Whether the client resumed a session it had cached before this handshake. */
	public boolean resumed() {
		return this.resumed;
	}

	/** The alert received from the server, {@code null} unless {@link Outcome#ALERT}. */
	public @Nullable TlsAlert alert() {
		return this.alert;
	}

	/** Alert level (1 warning, 2 fatal), 0 when there was no alert. */
	public int alertLevel() {
		return this.alertLevel;
	}

	/** The exception behind a failed handshake. */
	public @Nullable Throwable failure() {
		return this.failure;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("HandshakeResult[").append(this.outcome)
			.append(", sni=")
			.append(this.sniName);
		if (this.peerChain != null && this.peerChain.length > 0) {
			text.append(", leaf=")
				.append(this.peerChain[0].getSubjectX500Principal().getName())
				.append(" serial=")
				.append(this.peerChain[0].getSerialNumber().toString(16))
				.append(" sans=")
				.append(leafDnsNames());
		}
		if (this.protocol != null) {
			text.append(", ").append(this.protocol).append(' ').append(this.cipherSuite);
			text.append(", alpn='").append(this.applicationProtocol).append('\'');
			text.append(", resumed=").append(this.resumed);
		}
		if (this.sessionId != null) {
			text.append(", session=").append(HexFormat.of().formatHex(this.sessionId));
		}
		if (this.alert != null) {
			text.append(", alert=").append(this.alert).append(" level ").append(this.alertLevel);
		}
		if (this.failure != null) {
			text.append(", failure=").append(this.failure);
		}
		return text.append(", ").append(this.elapsed.toMillis()).append(" ms]").toString();
	}

}
