package io.github.snistarter.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import io.github.snistarter.store.CertificateFiles.EncodedMaterial;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The checks every certificate passes before it is served: a key that matches the
 * certificate, a chain in order, and at least one DNS name to serve. Messages name the
 * source and the reason and never include key material.
 */
final class CertificateChecks {

	private static final byte[] CHALLENGE = "sni-starter key check".getBytes(StandardCharsets.US_ASCII);

	private CertificateChecks() {
	}

	/**
	 * Check material and keep it compactly.
	 * @param source the source that will hold it
	 * @param id its identifier within the source
	 * @param origin where it came from, for messages, such as {@code file /certs/a.pem}
	 * @param chain the chain, leaf first
	 * @param key the private key
	 * @return the stored certificate, serving the DNS names of the leaf
	 * @throws InvalidCertificateException when the material cannot be served
	 */
	static CompactCertificate check(CertificateSource source, String id, String origin, List<X509Certificate> chain,
			PrivateKey key) {
		if (chain.isEmpty()) {
			throw new InvalidCertificateException(origin, "it holds no certificate");
		}
		X509Certificate leaf = chain.get(0);
		List<String> names = serverNames(leaf);
		if (names.isEmpty()) {
			throw new InvalidCertificateException(origin, "the certificate names no DNS host (subjectAltName dNSName)"
					+ "; the subject CN alone is not used");
		}
		if (!keyMatches(key, leaf)) {
			throw new InvalidCertificateException(origin, "the private key does not match the certificate");
		}
		checkChainOrder(origin, chain);
		return CompactCertificate.of(source, id, origin, names, chain, key);
	}

	/**
	 * Check material of the common shape from its encodings alone: names, validity and
	 * key come from {@link LeafSummary}, the key must carry what shows it matches, and
	 * each certificate must name the next one's subject byte for byte. Whatever this
	 * cannot decide, including every failure, answers {@code null}: the caller then
	 * checks the material with {@link #check}, whose verdicts and messages count.
	 * @param source the source that will hold it
	 * @param material the material
	 * @return the stored certificate, or {@code null} to check it the full way
	 */
	static @Nullable CompactCertificate checkEncoded(CertificateSource source, EncodedMaterial material) {
		byte[] encodedLeaf = material.chain().leaf();
		LeafSummary leaf = LeafSummary.read(encodedLeaf);
		String algorithm = PemBlocks.algorithm(material.pkcs8());
		if (leaf == null || algorithm == null || !Boolean.TRUE.equals(leaf.matches(material.pkcs8()))) {
			return null;
		}
		Set<String> names = new LinkedHashSet<>();
		for (String dnsName : leaf.dnsNames()) {
			try {
				names.add(ServerNamePattern.parse(dnsName).toString());
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
		if (names.isEmpty()) {
			return null;
		}
		byte[] issuer = leaf.issuer();
		for (X509Certificate next : material.chain().issuers()) {
			if (!Arrays.equals(issuer, next.getSubjectX500Principal().getEncoded())) {
				return null;
			}
			issuer = next.getIssuerX500Principal().getEncoded();
		}
		return CompactCertificate.of(source, material.id(), new ArrayList<>(names), leaf, encodedLeaf,
				material.chain().issuers(), StoredKey.of(algorithm, material.pkcs8()));
	}

	/**
	 * Log, once when loaded, that a certificate is outside its validity period.
	 * @param logger where to log
	 * @param origin where it came from
	 * @param certificate the certificate
	 * @param now the current time
	 */
	static void warnIfNotValid(Logger logger, String origin, StoredCertificate certificate, Instant now) {
		if (now.isAfter(certificate.notAfter())) {
			logger.warn("Certificate from {} for {} expired on {}; it is served only to names no valid certificate "
					+ "covers", origin, certificate.names(), certificate.notAfter());
		}
		else if (now.isBefore(certificate.notBefore())) {
			logger.warn("Certificate from {} for {} is not valid before {}; it is served only to names no valid "
					+ "certificate covers", origin, certificate.names(), certificate.notBefore());
		}
	}

	/**
	 * The names a certificate serves: its DNS subject alternative names as server-name
	 * patterns, without duplicates. Entries that are not host names are skipped.
	 * @param certificate the certificate
	 * @return the names in A-label form, wildcards as {@code *.} and a domain
	 */
	static List<String> serverNames(X509Certificate certificate) {
		Set<String> names = new LinkedHashSet<>();
		for (String dnsName : CertificateCoverage.dnsNames(certificate)) {
			try {
				names.add(ServerNamePattern.parse(dnsName).toString());
			}
			catch (IllegalArgumentException ex) {
				// Not a name a client can send (an address, a partial wildcard): never matched.
			}
		}
		return new ArrayList<>(names);
	}

	/**
	 * Each certificate must be issued by the next one; a chain out of order fails on
	 * strict clients.
	 * @param origin where the chain came from
	 * @param chain the chain, leaf first
	 */
	static void checkChainOrder(String origin, List<X509Certificate> chain) {
		for (int i = 0; i + 1 < chain.size(); i++) {
			X500Principal issuer = chain.get(i).getIssuerX500Principal();
			X500Principal next = chain.get(i + 1).getSubjectX500Principal();
			// Issuers copy the subject's encoding; comparing the RFC 2253 canonical forms
			// (what equals does) costs more than parsing the certificate.
			if (!Arrays.equals(issuer.getEncoded(), next.getEncoded()) && !issuer.equals(next)) {
				throw new InvalidCertificateException(origin, "its chain is out of order: certificate " + (i + 1)
						+ " is not issued by certificate " + (i + 2));
			}
		}
	}

	/**
	 * Whether a private key belongs to a certificate. RSA keys are compared by modulus,
	 * EC keys by the public point their encoding carries when it does; other keys sign a
	 * challenge that the certificate's public key must verify.
	 * @param key the private key
	 * @param certificate the certificate
	 * @return whether they match
	 */
	static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
		PublicKey publicKey = certificate.getPublicKey();
		if (key instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
			return rsa.getModulus().equals(rsaPublic.getModulus())
					&& rsa.getPublicExponent().equals(rsaPublic.getPublicExponent());
		}
		if (publicKey instanceof ECPublicKey ecPublic) {
			Boolean matches = EcPublicPoint.matches(key, ecPublic);
			if (matches != null) {
				return matches;
			}
		}
		String algorithm = switch (key.getAlgorithm()) {
			case "RSA" -> "SHA256withRSA";
			case "EC" -> "SHA256withECDSA";
			case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
			default -> null;
		};
		if (algorithm == null) {
			return key.getAlgorithm().equals(publicKey.getAlgorithm());
		}
		try {
			Signature signer = Signature.getInstance(algorithm);
			signer.initSign(key);
			signer.update(CHALLENGE);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance(algorithm);
			verifier.initVerify(publicKey);
			verifier.update(CHALLENGE);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

}
