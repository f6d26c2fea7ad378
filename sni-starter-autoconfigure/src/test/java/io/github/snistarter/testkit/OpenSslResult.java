package io.github.snistarter.testkit;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of one {@code openssl s_client} run and what can be parsed from it.
 */
public final class OpenSslResult {

	private static final Pattern ALERT_NUMBER = Pattern.compile("alert number (\\d+)");

	private static final Pattern ALPN = Pattern.compile("^ALPN protocol: (\\S+)", Pattern.MULTILINE);

	private static final Pattern SESSION_LINE = Pattern.compile("^(New|Reused), (\\S+), Cipher is (\\S+)",
			Pattern.MULTILINE);

	private static final Pattern VERIFY_RETURN_CODE = Pattern.compile("Verify return code: (\\d+)");

	private final List<String> command;

	private final int exitCode;

	private final boolean timedOut;

	private final Duration elapsed;

	private final String output;

	OpenSslResult(List<String> command, int exitCode, boolean timedOut, Duration elapsed, String output) {
		this.command = command;
		this.exitCode = exitCode;
		this.timedOut = timedOut;
		this.elapsed = elapsed;
		this.output = output;
	}

	public List<String> command() {
		return this.command;
	}

	/** Process exit code, -1 if it had to be killed. */
	public int exitCode() {
		return this.exitCode;
	}

	/** Whether the process was killed after the timeout. */
	public boolean timedOut() {
		return this.timedOut;
	}

	public Duration elapsed() {
		return this.elapsed;
	}

	/** Standard output and standard error, interleaved. */
	public String output() {
		return this.output;
	}

	/** The number in "SSL alert number 112" if an alert was received (or sent). */
	public OptionalInt alertNumber() {
		Matcher matcher = ALERT_NUMBER.matcher(this.output);
		return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
	}

	/** {@link #alertNumber()} as a {@link TlsAlert}. */
	public Optional<TlsAlert> alert() {
		OptionalInt number = alertNumber();
		return number.isPresent() ? Optional.of(TlsAlert.of(number.getAsInt())) : Optional.empty();
	}

	/** Whether a handshake completed (a cipher other than {@code (NONE)} was reported). */
	public boolean handshakeCompleted() {
		Matcher matcher = SESSION_LINE.matcher(this.output);
		return matcher.find() && !"(NONE)".equals(matcher.group(3));
	}

	/** Negotiated protocol, e.g. {@code "TLSv1.3"}. */
	public Optional<String> protocol() {
		Matcher matcher = SESSION_LINE.matcher(this.output);
		return (matcher.find() && !"(NONE)".equals(matcher.group(2))) ? Optional.of(matcher.group(2))
				: Optional.empty();
	}

	/** Whether s_client reports the session as resumed ("Reused, ..."). */
	public boolean reused() {
		Matcher matcher = SESSION_LINE.matcher(this.output);
		return matcher.find() && "Reused".equals(matcher.group(1));
	}

	/** Negotiated ALPN protocol from "ALPN protocol: h2"; empty for "No ALPN negotiated". */
	public Optional<String> alpn() {
		Matcher matcher = ALPN.matcher(this.output);
		return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
	}

	/** The chain printed by {@code -showcerts}, leaf first (empty if no certificate was received). */
	public List<X509Certificate> peerChain() {
		return Pem.parseCertificates(this.output);
	}

	/** The server's leaf certificate, if one was received. */
	public Optional<X509Certificate> peerCertificate() {
		return peerChain().stream().findFirst();
	}

	/** The "Verify return code" (0 = ok), if printed. */
	public OptionalInt verifyReturnCode() {
		Matcher matcher = VERIFY_RETURN_CODE.matcher(this.output);
		return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
	}

	@Override
	public String toString() {
		return "OpenSslResult[exit=" + this.exitCode + (this.timedOut ? " (killed after timeout)" : "") + ", "
				+ this.elapsed.toMillis() + " ms, " + String.join(" ", this.command) + "]\n" + this.output;
	}

}
