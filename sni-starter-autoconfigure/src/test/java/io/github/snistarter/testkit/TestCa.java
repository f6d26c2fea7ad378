package io.github.snistarter.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests: a self-signed CA certificate whose key is
 * generated at runtime and only ever kept in memory (or in files a test writes itself).
 * <p>
 * Use {@link #shared()} for a CA that is created once per JVM, or {@link #create(KeyType)}
 * for a fresh one, then {@link #leaf(String...)} / {@link #issue(String...)} for server
 * certificates.
 */
public final class TestCa {

	static final SecureRandom RANDOM = new SecureRandom();

	private static final Map<KeyType, TestCa> SHARED = new ConcurrentHashMap<>();

	private final KeyType keyType;

	private final KeyPair keyPair;

	private final X509Certificate certificate;

	private TestCa(KeyType keyType, KeyPair keyPair, X509Certificate certificate) {
		this.keyType = keyType;
		this.keyPair = keyPair;
		this.certificate = certificate;
	}

	/** A fresh EC P-256 CA named {@code CN=SNI Starter Test CA}. */
	public static TestCa create() {
		return create(KeyType.EC_P256);
	}

	/** A fresh CA with a key of the given type, named {@code CN=SNI Starter Test CA}. */
	public static TestCa create(KeyType keyType) {
		return create(keyType, "SNI Starter Test CA");
	}

	/** A fresh CA with a key of the given type and the given subject common name. */
	public static TestCa create(KeyType keyType, String commonName) {
		KeyPair keyPair = keyType.generateKeyPair();
		Instant now = Instant.now();
		X500Name subject = commonNameOnly(commonName);
		try {
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, randomSerial(),
					Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject,
					keyPair.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
			X509Certificate certificate = sign(builder, keyType, keyPair);
			return new TestCa(keyType, keyPair, certificate);
		}
		catch (GeneralSecurityException | CertIOException ex) {
			throw new IllegalStateException("Cannot create test CA", ex);
		}
	}

	/** The EC P-256 CA shared by all tests of this JVM. */
	public static TestCa shared() {
		return shared(KeyType.EC_P256);
	}

	/** The CA with a key of the given type shared by all tests of this JVM. */
	public static TestCa shared(KeyType keyType) {
		return SHARED.computeIfAbsent(keyType, TestCa::create);
	}

	/** The self-signed CA certificate. */
	public X509Certificate certificate() {
		return this.certificate;
	}

	/** The type of the CA's own key (which decides the signature algorithm of issued certificates). */
	public KeyType keyType() {
		return this.keyType;
	}

	/** Starts a leaf certificate for the DNS names (SANs; wildcards allowed); CN defaults to the first. */
	public LeafCertificateBuilder leaf(String... dnsNames) {
		return new LeafCertificateBuilder(this, dnsNames);
	}

	/** Issues an EC P-256 leaf for the DNS names, valid from an hour ago for 30 days. */
	public IssuedCertificate issue(String... dnsNames) {
		return leaf(dnsNames).issue();
	}

	/** Issues a leaf with a key of the given type for the DNS names, valid from an hour ago for 30 days. */
	public IssuedCertificate issue(KeyType keyType, String... dnsNames) {
		return leaf(dnsNames).keyType(keyType).issue();
	}

	/** The CA certificate as PEM. */
	public String certificatePem() {
		return Pem.certificates(this.certificate);
	}

	/** Writes the CA certificate PEM to {@code dir/baseName.crt} (e.g. for {@code curl --cacert}). */
	public Path writePem(Path dir, String baseName) {
		return writeCertificatePem(dir.resolve(baseName + ".crt"));
	}

	/** Writes the CA certificate PEM to the given file. */
	public Path writeCertificatePem(Path file) {
		try {
			return Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write " + file, ex);
		}
	}

	/** An in-memory PKCS12 trust store holding only this CA certificate (alias {@code test-ca}). */
	public KeyStore trustStore() {
		try {
			KeyStore trustStore = KeyStore.getInstance("PKCS12");
			trustStore.load(null, null);
			trustStore.setCertificateEntry("test-ca", this.certificate);
			return trustStore;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot create trust store", ex);
		}
	}

	/** Writes {@link #trustStore()} as a PKCS12 file protected with the given password. */
	public Path writeTrustStore(Path file, String password) {
		return store(trustStore(), file, password);
	}

	@Override
	public String toString() {
		return "TestCa[" + this.certificate.getSubjectX500Principal() + ", " + this.keyType + "]";
	}

	X509Certificate signLeaf(X509v3CertificateBuilder builder) throws GeneralSecurityException, CertIOException {
		builder.addExtension(Extension.authorityKeyIdentifier, false,
				new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(this.certificate));
		return sign(builder, this.keyType, this.keyPair);
	}

	X500Name subject() {
		return X500Name.getInstance(this.certificate.getSubjectX500Principal().getEncoded());
	}

	static X500Name commonNameOnly(String commonName) {
		return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
	}

	/** A random positive serial of at most 128 bits, as recommended for publicly trusted certificates. */
	static BigInteger randomSerial() {
		return new BigInteger(128, RANDOM).setBit(120);
	}

	static Path store(KeyStore keyStore, Path file, String password) {
		try (OutputStream out = Files.newOutputStream(file)) {
			keyStore.store(out, password.toCharArray());
			return file;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot write key store " + file, ex);
		}
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, KeyType signerType, KeyPair signer)
			throws GeneralSecurityException {
		try {
			ContentSigner contentSigner = new JcaContentSignerBuilder(signerType.signatureAlgorithm())
				.build(signer.getPrivate());
			return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
		}
		catch (OperatorCreationException ex) {
			throw new GeneralSecurityException(ex);
		}
	}

}
