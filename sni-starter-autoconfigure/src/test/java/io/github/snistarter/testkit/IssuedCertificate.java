package io.github.snistarter.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A leaf certificate issued by a {@link TestCa}, together with its private key.
 */
public final class IssuedCertificate {

	private static final char[] IN_MEMORY_PASSWORD = "changeit".toCharArray();

	private final X509Certificate certificate;

	private final TestCa issuer;

	private final PrivateKey privateKey;

	private final KeyType keyType;

	IssuedCertificate(X509Certificate certificate, TestCa issuer, PrivateKey privateKey, KeyType keyType) {
		this.certificate = certificate;
		this.issuer = issuer;
		this.privateKey = privateKey;
		this.keyType = keyType;
	}

	/** The leaf certificate. */
	public X509Certificate certificate() {
		return this.certificate;
	}

	/** The chain as a server sends it: the leaf, then the CA certificate. */
	public X509Certificate[] chain() {
		return new X509Certificate[] { this.certificate, this.issuer.certificate() };
	}

	/** The leaf's private key (PKCS#8 encodable). */
	public PrivateKey privateKey() {
		return this.privateKey;
	}

	/** The certificate serial number (random, unique per issued certificate). */
	public BigInteger serial() {
		return this.certificate.getSerialNumber();
	}

	/** The type of the leaf's key. */
	public KeyType keyType() {
		return this.keyType;
	}

	/** The CA that signed this certificate. */
	public TestCa issuer() {
		return this.issuer;
	}

	/** The {@code dNSName} subject alternative names, in certificate order (empty when there is no SAN). */
	public List<String> dnsNames() {
		return dnsNames(this.certificate);
	}

	/** The chain as PEM, leaf first. */
	public String chainPem() {
		return Pem.certificates(chain());
	}

	/** The private key as PKCS#8 {@code PRIVATE KEY} PEM. */
	public String privateKeyPem() {
		return Pem.privateKey(this.privateKey);
	}

	/**
	 * The private key as OpenSSL, certbot and cert-manager write it: PKCS#8 whose EC key
	 * also carries its public point (RFC 5915), which the JDK's encoding leaves out. RSA
	 * keys are the same either way.
	 */
	public String opensslPrivateKeyPem() {
		if (!(this.privateKey instanceof ECPrivateKey ec)) {
			return privateKeyPem();
		}
		try {
			PrivateKeyInfo jdk = PrivateKeyInfo.getInstance(this.privateKey.getEncoded());
			ASN1BitString point = SubjectPublicKeyInfo.getInstance(this.certificate.getPublicKey().getEncoded())
				.getPublicKeyData();
			org.bouncycastle.asn1.sec.ECPrivateKey withPoint = new org.bouncycastle.asn1.sec.ECPrivateKey(
					ec.getParams().getOrder().bitLength(), ec.getS(), point, null);
			return Pem.encode("PRIVATE KEY", new PrivateKeyInfo(jdk.getPrivateKeyAlgorithm(), withPoint).getEncoded());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Writes {@code dir/baseName.crt} (chain, leaf first) and {@code dir/baseName.key}
	 * (PKCS#8 PEM), replacing existing files.
	 */
	public PemFiles writePem(Path dir, String baseName) {
		Path certificateFile = dir.resolve(baseName + ".crt");
		Path keyFile = dir.resolve(baseName + ".key");
		try {
			Files.createDirectories(dir);
			Files.writeString(certificateFile, chainPem(), StandardCharsets.US_ASCII);
			Files.writeString(keyFile, privateKeyPem(), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write PEM files to " + dir, ex);
		}
		return new PemFiles(certificateFile, keyFile);
	}

	/** An in-memory PKCS12 key store with one private key entry (this key and chain). */
	public KeyStore keyStore(String alias, char[] password) {
		try {
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			keyStore.setKeyEntry(alias, this.privateKey, password, chain());
			return keyStore;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot create key store", ex);
		}
	}

	/** Writes {@link #keyStore} as a PKCS12 file; store and key share the password. */
	public Path writeKeyStore(Path file, String alias, String password) {
		return TestCa.store(keyStore(alias, password.toCharArray()), file, password);
	}

	/** A TLS server {@link SSLContext} that presents this certificate (no client authentication). */
	public SSLContext serverSslContext() {
		try {
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keyStore("server", IN_MEMORY_PASSWORD), IN_MEMORY_PASSWORD);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), null, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot create server SSLContext", ex);
		}
	}

	@Override
	public String toString() {
		return "IssuedCertificate[" + this.certificate.getSubjectX500Principal() + ", SANs " + dnsNames() + ", "
				+ this.keyType + ", serial " + serial().toString(16) + "]";
	}

	/** The {@code dNSName} subject alternative names of any certificate (empty when it has none). */
	public static List<String> dnsNames(X509Certificate certificate) {
		try {
			Collection<List<?>> names = certificate.getSubjectAlternativeNames();
			List<String> dnsNames = new ArrayList<>();
			if (names != null) {
				for (List<?> name : names) {
					if (Integer.valueOf(2).equals(name.get(0))) {
						dnsNames.add((String) name.get(1));
					}
				}
			}
			return dnsNames;
		}
		catch (CertificateParsingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
