package io.github.snistarter;

import java.net.InetSocketAddress;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * A read-only view of the client's ClientHello, given to a {@link ServerNameCallback}.
 * Numeric lists hold the IANA code points in the order the client sent them.
 *
 * @param serverName the requested server name as a normalized A-label (lower case, IDNA
 * ASCII form, for example {@code xn--bcher-kva.example}), or {@code null} when the
 * client sent no server name or sent an IP address literal
 * @param unicodeServerName the same name decoded to Unicode (for example
 * {@code bücher.example}), or {@code null} when {@code serverName} is {@code null}
 * @param applicationProtocols the ALPN protocol names offered, for example {@code h2}
 * and {@code http/1.1}; empty when ALPN was not offered
 * @param cipherSuites the cipher suites offered
 * @param protocolVersions the TLS versions offered, highest first, as JSSE names such
 * as {@code TLSv1.3}
 * @param signatureSchemes the signature schemes offered ({@code signature_algorithms})
 * @param supportedGroups the key-exchange groups offered ({@code supported_groups})
 * @param remoteAddress the client's address, when the server adapter knows it
 * @param defaultContext the context the connector uses when the callback returns
 * {@link SniDecision#useDefault()}
 */
public record ClientHello(@Nullable String serverName, @Nullable String unicodeServerName,
		List<String> applicationProtocols, List<Integer> cipherSuites, List<String> protocolVersions,
		List<Integer> signatureSchemes, List<Integer> supportedGroups, @Nullable InetSocketAddress remoteAddress,
		SSLContext defaultContext) {

	public ClientHello {
		applicationProtocols = List.copyOf(applicationProtocols);
		cipherSuites = List.copyOf(cipherSuites);
		protocolVersions = List.copyOf(protocolVersions);
		signatureSchemes = List.copyOf(signatureSchemes);
		supportedGroups = List.copyOf(supportedGroups);
	}

	/**
	 * Whether the client accepts an ECDSA certificate signature (any
	 * {@code ecdsa_*} signature scheme). A client that sent no
	 * {@code signature_algorithms} extension is assumed to accept both kinds.
	 * @return whether an ECDSA certificate can serve this client
	 */
	public boolean acceptsEcdsa() {
		return this.signatureSchemes.isEmpty()
				|| this.signatureSchemes.stream().anyMatch((scheme) -> (scheme & 0xff) == 0x03 && scheme < 0x0700);
	}

	/**
	 * Whether the client accepts an RSA certificate signature ({@code rsa_pkcs1_*} or
	 * {@code rsa_pss_rsae_*}). A client that sent no {@code signature_algorithms}
	 * extension is assumed to accept both kinds.
	 * @return whether an RSA certificate can serve this client
	 */
	public boolean acceptsRsa() {
		return this.signatureSchemes.isEmpty() || this.signatureSchemes.stream()
			.anyMatch((scheme) -> ((scheme & 0xff) == 0x01 && scheme < 0x0700) || (scheme >= 0x0804 && scheme <= 0x0806));
	}

	/**
	 * Whether the client sent a usable server name.
	 * @return {@code true} when {@link #serverName()} is not {@code null}
	 */
	public boolean hasServerName() {
		return this.serverName != null;
	}

}
