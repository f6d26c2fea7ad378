package io.github.snistarter.store;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import io.github.snistarter.core.ServerNames;

/**
 * Which server names a certificate covers, from its DNS subject alternative names
 * (RFC 6125; the subject CN is not used, as browsers no longer use it).
 */
final class CertificateCoverage {

	private static final int DNS_NAME = 2;

	private CertificateCoverage() {
	}

	/**
	 * The certificate's DNS names in lower-case A-label form.
	 * @param certificate the certificate
	 * @return its DNS names, possibly with {@code *.} wildcards
	 */
	static List<String> dnsNames(X509Certificate certificate) {
		List<String> names = new ArrayList<>();
		try {
			Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
			if (entries != null) {
				for (List<?> entry : entries) {
					if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))
							&& entry.get(1) instanceof String name) {
						names.add(name.toLowerCase(Locale.ROOT));
					}
				}
			}
		}
		catch (CertificateParsingException ex) {
			// A certificate whose SAN extension cannot be read covers no names.
		}
		return names;
	}

	/**
	 * Whether the certificate is valid for every name the pattern stands for.
	 * @param certificate the certificate
	 * @param pattern the registered pattern
	 * @return whether it covers the pattern
	 */
	static boolean covers(X509Certificate certificate, ServerNamePattern pattern) {
		for (String dnsName : dnsNames(certificate)) {
			ServerNamePattern san;
			try {
				san = ServerNamePattern.parse(dnsName);
			}
			catch (IllegalArgumentException ex) {
				continue;
			}
			if (san.equals(pattern) || (!pattern.wildcard() && san.matches(pattern.name()))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the certificate covers one concrete server name.
	 * @param certificate the certificate
	 * @param serverName a host name
	 * @return whether it covers the name
	 */
	static boolean covers(X509Certificate certificate, String serverName) {
		return !ServerNames.isIpLiteral(serverName)
				&& covers(certificate, new ServerNamePattern(ServerNames.toALabel(serverName), false));
	}

}
