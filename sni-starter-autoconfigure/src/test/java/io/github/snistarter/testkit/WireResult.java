package io.github.snistarter.testkit;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a server sent back first to a {@link RawTlsClient}, parsed from the wire.
 */
public final class WireResult {

	/** What the first record (or the lack of one) was. */
	public enum Kind {

		/** The first record was a plaintext alert ({@link #alert()}, {@link #alertLevel()}). */
		ALERT,

		/** The first record carried a ServerHello (possibly a HelloRetryRequest). */
		SERVER_HELLO,

		/** The connection was closed or reset before a single byte arrived. */
		CLOSED_WITHOUT_ALERT,

		/** Nothing arrived within the timeout. */
		TIMEOUT,

		/** Something else arrived (another record type, an incomplete record, non-TLS bytes). */
		OTHER

	}

	private final Kind kind;

	private final Duration elapsed;

	private final byte[] received;

	private final int alertLevel;

	private final @Nullable TlsAlert alert;

	private final @Nullable Duration closedAfterAlert;

	private final @Nullable ServerHelloInfo serverHello;

	private final List<X509Certificate> certificates;

	private WireResult(Kind kind, Duration elapsed, byte[] received, int alertLevel, @Nullable TlsAlert alert,
			@Nullable Duration closedAfterAlert, @Nullable ServerHelloInfo serverHello,
			List<X509Certificate> certificates) {
		this.kind = kind;
		this.elapsed = elapsed;
		this.received = received;
		this.alertLevel = alertLevel;
		this.alert = alert;
		this.closedAfterAlert = closedAfterAlert;
		this.serverHello = serverHello;
		this.certificates = certificates;
	}

	static WireResult alert(Duration elapsed, byte[] received, int level, int description,
			@Nullable Duration closedAfterAlert) {
		return new WireResult(Kind.ALERT, elapsed, received, level, TlsAlert.of(description), closedAfterAlert, null,
				List.of());
	}

	static WireResult serverHello(Duration elapsed, byte[] received, ServerHelloInfo serverHello,
			List<X509Certificate> certificates) {
		return new WireResult(Kind.SERVER_HELLO, elapsed, received, 0, null, null, serverHello,
				List.copyOf(certificates));
	}

	static WireResult of(Kind kind, Duration elapsed, byte[] received) {
		return new WireResult(kind, elapsed, received, 0, null, null, null, List.of());
	}

	public Kind kind() {
		return this.kind;
	}

	/** Time from the last write until the first record, the close, or the timeout. */
	public Duration elapsed() {
		return this.elapsed;
	}

	/** Every byte read from the server (up to the point the client stopped reading). */
	public byte[] received() {
		return this.received.clone();
	}

	/** Level of the alert (1 warning, 2 fatal), 0 unless {@link Kind#ALERT}. */
	public int alertLevel() {
		return this.alertLevel;
	}

	/** The alert description, {@code null} unless {@link Kind#ALERT}. */
	public @Nullable TlsAlert alert() {
		return this.alert;
	}

	/**
	 * For an alert: how long after it the server closed the connection (EOF or reset);
	 * {@code null} if it was still open when the timeout ran out.
	 */
	public @Nullable Duration closedAfterAlert() {
		return this.closedAfterAlert;
	}

	/** Details of the ServerHello, {@code null} unless {@link Kind#SERVER_HELLO}. */
	public @Nullable ServerHelloInfo serverHello() {
		return this.serverHello;
	}

	/**
	 * The certificate chain of a TLS 1.2 Certificate message that followed the ServerHello
	 * in clear; empty for TLS 1.3 (encrypted) or when none arrived.
	 */
	public List<X509Certificate> certificates() {
		return this.certificates;
	}

	/** The leaf of {@link #certificates()}; fails when there is none. */
	public X509Certificate leafCertificate() {
		if (this.certificates.isEmpty()) {
			throw new IllegalStateException("No clear-text certificate received: " + this);
		}
		return this.certificates.get(0);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("WireResult[").append(this.kind);
		if (this.alert != null) {
			text.append(", alert=").append(this.alert).append(" level ").append(this.alertLevel);
			text.append(", closedAfterAlert=")
				.append((this.closedAfterAlert != null) ? this.closedAfterAlert.toMillis() + " ms" : "not closed");
		}
		if (this.serverHello != null) {
			text.append(", ").append(this.serverHello);
		}
		if (!this.certificates.isEmpty()) {
			text.append(", leaf=").append(this.certificates.get(0).getSubjectX500Principal().getName());
		}
		text.append(", after ").append(this.elapsed.toMillis()).append(" ms");
		int shown = Math.min(this.received.length, 64);
		text.append(", received ")
			.append(this.received.length)
			.append(" bytes: ")
			.append(HexFormat.of().formatHex(this.received, 0, shown))
			.append((shown < this.received.length) ? "..." : "");
		return text.append(']').toString();
	}

	/**
	 * The parts of a ServerHello that are visible on the wire.
	 *
	 * @param version the negotiated version: {@code supported_versions} if present, else
	 * {@code legacy_version} (e.g. {@code 0x0304})
	 * @param cipherSuite the selected cipher suite code
	 * @param helloRetryRequest whether it is a HelloRetryRequest (RFC 8446 4.1.3)
	 * @param serverNameAcknowledged whether it carries an (empty) {@code server_name}
	 * extension, i.e. a TLS 1.2 server accepted the SNI name
	 * @param alpn the ALPN protocol selected in the ServerHello (TLS 1.2 only; TLS 1.3
	 * sends it encrypted), else {@code null}
	 * @param extensionTypes the extension types in ServerHello order
	 */
	public record ServerHelloInfo(int version, int cipherSuite, boolean helloRetryRequest,
			boolean serverNameAcknowledged, @Nullable String alpn, List<Integer> extensionTypes) {

		public boolean isTls13() {
			return this.version == TlsVersion.TLS13.wireVersion();
		}

		@Override
		public String toString() {
			return String.format("ServerHello[version=0x%04x, cipherSuite=0x%04x, hrr=%s, sniAck=%s, alpn=%s, ext=%s]",
					this.version, this.cipherSuite, this.helloRetryRequest, this.serverNameAcknowledged, this.alpn,
					this.extensionTypes);
		}

	}

}
