package io.github.snistarter.sample;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The demo's own certificate authority: a self-signed EC P-256 root that issues the server
 * certificates. Clients trust the demo by trusting its {@code ca.crt}, nothing else.
 */
final class DemoCertificateAuthority {

	static final String ORGANIZATION = "SNI Starter Demo";

	private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

	private static final SecureRandom random = new SecureRandom();

	private final X509Certificate certificate;

	private final PrivateKey privateKey;

	DemoCertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
		this.certificate = certificate;
		this.privateKey = privateKey;
	}

	/** Creates a new root valid from {@code notBefore} to {@code notAfter}. */
	static DemoCertificateAuthority create(Instant notBefore, Instant notAfter) {
		try {
			KeyPair keyPair = newKeyPair();
			X500Name subject = name("SNI Starter Demo CA");
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, newSerial(),
					Date.from(notBefore), Date.from(notAfter), subject, keyPair.getPublic());
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			// Path length 0: this root signs server certificates only, never another CA.
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			builder.addExtension(Extension.subjectKeyIdentifier, false,
					extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
			X509Certificate certificate = sign(builder, keyPair.getPrivate());
			return new DemoCertificateAuthority(certificate, keyPair.getPrivate());
		}
		catch (GeneralSecurityException | CertIOException | OperatorCreationException ex) {
			throw new IllegalStateException("Could not create the demo CA", ex);
		}
	}

	/**
	 * Issues a server certificate with a fresh key pair. The validity is capped at the CA's own
	 * so that a reused CA never vouches for longer than it lives.
	 */
	IssuedCertificate issue(DemoCertificate definition, Instant notBefore, Instant notAfter) {
		try {
			KeyPair keyPair = newKeyPair();
			Date end = Date.from(notAfter);
			if (end.after(this.certificate.getNotAfter())) {
				end = this.certificate.getNotAfter();
			}
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(this.certificate, newSerial(),
					Date.from(notBefore), end, name(definition.commonName()), keyPair.getPublic());
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			builder.addExtension(Extension.subjectAlternativeName, false, dnsNames(definition));
			builder.addExtension(Extension.subjectKeyIdentifier, false,
					extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
			builder.addExtension(Extension.authorityKeyIdentifier, false,
					extensions.createAuthorityKeyIdentifier(this.certificate));
			return new IssuedCertificate(sign(builder, this.privateKey), keyPair.getPrivate());
		}
		catch (GeneralSecurityException | CertIOException | OperatorCreationException ex) {
			throw new IllegalStateException("Could not issue the demo certificate '" + definition.name() + "'", ex);
		}
	}

	/** Whether {@code certificate} carries this CA's signature. */
	boolean issued(X509Certificate certificate) {
		try {
			certificate.verify(this.certificate.getPublicKey());
			return true;
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	X509Certificate certificate() {
		return this.certificate;
	}

	PrivateKey privateKey() {
		return this.privateKey;
	}

	/** Whether {@code privateKey} is the other half of {@code publicKey}, by signing a probe. */
	static boolean isKeyPair(PrivateKey privateKey, PublicKey publicKey) {
		try {
			byte[] probe = "sni-demo".getBytes(StandardCharsets.US_ASCII);
			Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
			signer.initSign(privateKey);
			signer.update(probe);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
			verifier.initVerify(publicKey);
			verifier.update(probe);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), random);
		return generator.generateKeyPair();
	}

	/** Random positive serial, so that every certificate (and every regeneration) is distinct. */
	private static BigInteger newSerial() {
		return new BigInteger(127, random).add(BigInteger.ONE);
	}

	private static X500Name name(String commonName) {
		return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION)
			.addRDN(BCStyle.CN, commonName)
			.build();
	}

	private static GeneralNames dnsNames(DemoCertificate definition) {
		return new GeneralNames(definition.dnsNames()
			.stream()
			.map((dnsName) -> new GeneralName(GeneralName.dNSName, dnsName))
			.toArray(GeneralName[]::new));
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
			throws OperatorCreationException, GeneralSecurityException {
		// JDK providers throughout: BouncyCastle only builds the ASN.1, it is never installed as a provider.
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey)));
	}

	/** A certificate this CA issued, with the private key that goes with it. */
	record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {
	}

}
