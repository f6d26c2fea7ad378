package io.github.snistarter.testkit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Describes a server (leaf) certificate to be issued by a {@link TestCa}. Defaults: EC P-256
 * key, valid from one hour ago for 30 days, subject {@code CN=<first DNS name>}, every DNS
 * name as a {@code dNSName} SAN, EKU serverAuth + clientAuth.
 */
public final class LeafCertificateBuilder {

	private final TestCa issuer;

	private final List<String> dnsNames;

	private KeyType keyType = KeyType.EC_P256;

	private Instant notBefore;

	private Instant notAfter;

	private @Nullable KeyPair keyPair;

	private @Nullable String commonName;

	private boolean subjectAltNames = true;

	LeafCertificateBuilder(TestCa issuer, String... dnsNames) {
		this.issuer = issuer;
		this.dnsNames = List.of(dnsNames);
		Instant now = Instant.now();
		this.notBefore = now.minus(Duration.ofHours(1));
		this.notAfter = now.plus(Duration.ofDays(30));
	}

	/** Key type of the leaf (the CA's key type decides only the signature algorithm). */
	public LeafCertificateBuilder keyType(KeyType keyType) {
		this.keyType = Objects.requireNonNull(keyType);
		return this;
	}

	/**
	 * Certify this existing key pair instead of generating one (e.g. a renewed certificate
	 * for the same key, or to save RSA key generation time). Its type must match
	 * {@link #keyType(KeyType)}.
	 */
	public LeafCertificateBuilder keyPair(KeyPair keyPair) {
		this.keyPair = Objects.requireNonNull(keyPair);
		return this;
	}

	/** Validity period; X.509 keeps whole seconds only. */
	public LeafCertificateBuilder validity(Instant notBefore, Instant notAfter) {
		this.notBefore = Objects.requireNonNull(notBefore);
		this.notAfter = Objects.requireNonNull(notAfter);
		return this;
	}

	/** Valid from 30 days ago until yesterday. */
	public LeafCertificateBuilder expired() {
		Instant now = Instant.now();
		return validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
	}

	/** Valid from tomorrow for 30 days. */
	public LeafCertificateBuilder notYetValid() {
		Instant now = Instant.now();
		return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(31)));
	}

	/** Subject common name; defaults to the first DNS name. */
	public LeafCertificateBuilder commonName(String commonName) {
		this.commonName = Objects.requireNonNull(commonName);
		return this;
	}

	/**
	 * Leaves out the subjectAltName extension entirely, so only the subject CN names the host
	 * (the legacy form that RFC 6125 clients no longer accept).
	 */
	public LeafCertificateBuilder withoutSubjectAltNames() {
		this.subjectAltNames = false;
		return this;
	}

	/** Generates the key and signs the certificate with the issuing CA. */
	public IssuedCertificate issue() {
		String cn = (this.commonName != null) ? this.commonName : this.dnsNames.stream().findFirst().orElse(null);
		if (cn == null) {
			throw new IllegalStateException("A leaf needs at least one DNS name or a common name");
		}
		KeyPair keyPair = (this.keyPair != null) ? this.keyPair : this.keyType.generateKeyPair();
		if (!keyPair.getPublic().getAlgorithm().equals(this.keyType.algorithm())) {
			throw new IllegalStateException(
					"Key pair is " + keyPair.getPublic().getAlgorithm() + " but key type is " + this.keyType);
		}
		try {
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(this.issuer.subject(),
					TestCa.randomSerial(), Date.from(this.notBefore), Date.from(this.notAfter),
					TestCa.commonNameOnly(cn), keyPair.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, keyUsage())
				.addExtension(Extension.extendedKeyUsage, false,
						new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth,
								KeyPurposeId.id_kp_clientAuth }))
				.addExtension(Extension.subjectKeyIdentifier, false,
						new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keyPair.getPublic()));
			if (this.subjectAltNames && !this.dnsNames.isEmpty()) {
				GeneralName[] names = this.dnsNames.stream()
					.map((name) -> new GeneralName(GeneralName.dNSName, name))
					.toArray(GeneralName[]::new);
				builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
			}
			X509Certificate certificate = this.issuer.signLeaf(builder);
			return new IssuedCertificate(certificate, this.issuer, keyPair.getPrivate(), this.keyType);
		}
		catch (GeneralSecurityException | CertIOException ex) {
			throw new IllegalStateException("Cannot issue leaf certificate for " + this.dnsNames, ex);
		}
	}

	private KeyUsage keyUsage() {
		return new KeyUsage((this.keyType == KeyType.RSA_2048)
				? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature);
	}

}
