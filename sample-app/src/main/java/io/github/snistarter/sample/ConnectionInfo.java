package io.github.snistarter.sample;

import java.io.IOException;
import java.security.cert.X509Certificate;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.net.SSLSupport;
import org.jspecify.annotations.Nullable;

/**
 * What a request says about the connection it arrived on: which name the client asked for and
 * which certificate Tomcat answered with.
 *
 * @param serverName the name the client addressed ({@code Host} header, or {@code :authority}
 * for HTTP/2); with {@code curl --resolve} it is also the SNI name
 * @param serverPort the port the client addressed
 * @param httpProtocol e.g. {@code HTTP/1.1} or {@code HTTP/2.0}
 * @param tlsProtocol e.g. {@code TLSv1.3}, or {@code null} without TLS
 * @param cipherSuite negotiated cipher suite, or {@code null} without TLS
 * @param servedCertificate leaf certificate the server presented, or {@code null} if unknown
 */
public record ConnectionInfo(String serverName, int serverPort, String httpProtocol, @Nullable String tlsProtocol,
		@Nullable String cipherSuite, @Nullable ServedCertificate servedCertificate) {

	static ConnectionInfo of(HttpServletRequest request) {
		return new ConnectionInfo(request.getServerName(), request.getServerPort(), request.getProtocol(),
				attribute(request, SSLSupport.SECURE_PROTOCOL_KEY), attribute(request, SSLSupport.CIPHER_SUITE_KEY),
				servedCertificate(request));
	}

	private static @Nullable String attribute(HttpServletRequest request, String name) {
		return (request.getAttribute(name) instanceof String value) ? value : null;
	}

	/**
	 * The servlet API only exposes the client's certificates; the server's own chain comes from
	 * Tomcat's {@link SSLSupport}, which it publishes as a request attribute.
	 */
	private static @Nullable ServedCertificate servedCertificate(HttpServletRequest request) {
		if (request.getAttribute(SSLSupport.SESSION_MGR) instanceof SSLSupport sslSupport) {
			X509Certificate[] chain = sslSupport.getLocalCertificateChain();
			if (chain != null && chain.length > 0) {
				return ServedCertificate.of(chain[0]);
			}
		}
		return null;
	}

	/** Plain-text rendering for {@code curl}. */
	String toText() {
		StringBuilder text = new StringBuilder();
		line(text, "Server name", this.serverName + ":" + this.serverPort);
		line(text, "HTTP protocol", this.httpProtocol);
		line(text, "TLS protocol", this.tlsProtocol);
		line(text, "Cipher suite", this.cipherSuite);
		if (this.servedCertificate == null) {
			text.append("Served certificate: (not available on this connection)\n");
		}
		else {
			text.append("Served certificate:\n");
			line(text, "  Subject", this.servedCertificate.subject());
			line(text, "  Serial", this.servedCertificate.serialNumber());
			line(text, "  SANs", String.join(", ", this.servedCertificate.subjectAlternativeNames()));
			line(text, "  Issuer", this.servedCertificate.issuer());
			line(text, "  Not after", String.valueOf(this.servedCertificate.notAfter()));
		}
		return text.toString();
	}

	private static void line(StringBuilder text, String label, @Nullable String value) {
		text.append(String.format("%-15s %s\n", label + ":", (value != null) ? value : "-"));
	}

}
