package io.github.snistarter.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates every benchmark uses, generated once into a cache directory and
 * reused: one issuer CA per key type and leaves {@code n000000.bench.test},
 * {@code n000001.bench.test}, ... each with that one DNS name, as {@code .crt} (leaf,
 * then issuer) and {@code .key} (PKCS#8, EC keys with their public point as OpenSSL
 * writes them) PEM files in folders of 1,000. A directory
 * {@code dir-N} holds hard links to the first N, for the directory store.
 */
final class BenchCertificates {

	static final String DEFAULT_NAME = "default.bench.test";

	private static final int PER_FOLDER = 1000;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path root;

	private final KeyKind kind;

	private KeyPair caKeys;

	private X509Certificate ca;

	BenchCertificates(Path dataDirectory, KeyKind kind) {
		this.root = dataDirectory.resolve(kind.name().toLowerCase(Locale.ROOT));
		this.kind = kind;
	}

	static String name(int index) {
		return String.format(Locale.ROOT, "n%06d.bench.test", index);
	}

	KeyKind kind() {
		return this.kind;
	}

	Path certificate(int index) {
		return folder(index).resolve(String.format(Locale.ROOT, "n%06d.crt", index));
	}

	Path key(int index) {
		return folder(index).resolve(String.format(Locale.ROOT, "n%06d.key", index));
	}

	Path defaultCertificate() {
		return this.root.resolve("default.crt");
	}

	Path defaultKey() {
		return this.root.resolve("default.key");
	}

	Path caCertificate() {
		return this.root.resolve("ca.crt");
	}

	private Path folder(int index) {
		return this.root.resolve("all").resolve(String.format(Locale.ROOT, "%03d", index / PER_FOLDER));
	}

	/**
	 * Make sure the first {@code count} certificates exist, generating the missing ones.
	 * @param count how many
	 * @return this
	 */
	synchronized BenchCertificates ensure(int count) {
		try {
			loadOrCreateCa();
			if (!Files.exists(defaultKey())) {
				writeLeaf(DEFAULT_NAME, defaultCertificate(), defaultKey());
			}
			AtomicInteger made = new AtomicInteger();
			long start = System.nanoTime();
			IntStream.range(0, count).parallel().forEach((i) -> {
				if (!Files.exists(key(i))) {
					writeLeaf(name(i), certificate(i), key(i));
					int n = made.incrementAndGet();
					if (n % 10_000 == 0) {
						System.err.printf(Locale.ROOT, "  generated %,d %s certificates (%.0f s)%n", n, this.kind,
								(System.nanoTime() - start) / 1e9);
					}
				}
			});
			if (made.get() > 0) {
				System.err.printf(Locale.ROOT, "Generated %,d %s certificates in %.1f s under %s%n", made.get(),
						this.kind, (System.nanoTime() - start) / 1e9, this.root);
			}
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A directory holding exactly the first {@code count} certificates (hard links).
	 * @param count how many
	 * @return the directory
	 */
	/**
	 * Where {@link #directory(int)} puts the first {@code count} certificates, without
	 * checking or making anything.
	 * @param count how many
	 * @return the directory
	 */
	Path directoryPath(int count) {
		return this.root.resolve("dir-" + count);
	}

	synchronized Path directory(int count) {
		ensure(count);
		if (count == 0) {
			try {
				return Files.createDirectories(this.root.resolve("dir-0"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		Path directory = this.root.resolve("dir-" + count);
		Path done = this.root.resolve(".dir-" + count + ".complete");
		if (Files.exists(done)) {
			return directory;
		}
		try {
			Files.createDirectories(directory);
			for (int i = 0; i < count; i++) {
				Path sub = directory.resolve(String.format(Locale.ROOT, "%03d", i / PER_FOLDER));
				if (i % PER_FOLDER == 0) {
					Files.createDirectories(sub);
				}
				link(sub.resolve(certificate(i).getFileName()), certificate(i));
				link(sub.resolve(key(i).getFileName()), key(i));
			}
			Files.writeString(done, "");
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void link(Path link, Path target) throws IOException {
		try {
			Files.createLink(link, target);
		}
		catch (FileAlreadyExistsException ex) {
			// From an earlier, interrupted run.
		}
	}

	private void loadOrCreateCa() throws IOException {
		if (this.ca != null) {
			return;
		}
		Path caKey = this.root.resolve("ca.key");
		try {
			if (Files.exists(caKey)) {
				this.ca = readCertificate(caCertificate());
				PrivateKey key = readKey(caKey, this.kind.algorithm());
				this.caKeys = new KeyPair(this.ca.getPublicKey(), key);
				return;
			}
			Files.createDirectories(this.root);
			this.caKeys = this.kind.generate();
			X500Name subject = new X500Name("CN=SNI Starter Benchmark " + this.kind + " CA");
			Instant now = Instant.now();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
					Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject,
					this.caKeys.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			this.ca = sign(builder);
			Files.writeString(caCertificate(), pem("CERTIFICATE", this.ca.getEncoded()), StandardCharsets.US_ASCII);
			Files.writeString(caKey, pem("PRIVATE KEY", this.caKeys.getPrivate().getEncoded()),
					StandardCharsets.US_ASCII);
		}
		catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException ex) {
			throw new IllegalStateException("Cannot create the benchmark CA", ex);
		}
	}

	private void writeLeaf(String dnsName, Path certificateFile, Path keyFile) {
		try {
			KeyPair keys = this.kind.generate();
			Instant now = Instant.now();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(this.ca, serial(),
					Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))),
					new X500Name("CN=" + dnsName), keys.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
			X509Certificate leaf = sign(builder);
			Files.createDirectories(certificateFile.getParent());
			Files.writeString(certificateFile,
					pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", this.ca.getEncoded()),
					StandardCharsets.US_ASCII);
			// Key last: its presence marks the pair complete.
			Path partial = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
			Files.writeString(partial, pem("PRIVATE KEY", pkcs8(keys)), StandardCharsets.US_ASCII);
			Files.move(partial, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot write " + certificateFile, ex);
		}
	}

	/**
	 * The private key as OpenSSL, certbot and cert-manager write it: for EC, PKCS#8 with
	 * the public point inside (RFC 5915), which the JDK's own encoding leaves out.
	 */
	private static byte[] pkcs8(KeyPair keys) throws IOException {
		if (!(keys.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec)) {
			return keys.getPrivate().getEncoded();
		}
		PrivateKeyInfo jdk = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
		ASN1BitString point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
		org.bouncycastle.asn1.sec.ECPrivateKey withPoint = new org.bouncycastle.asn1.sec.ECPrivateKey(
				ec.getParams().getOrder().bitLength(), ec.getS(), point, null);
		return new PrivateKeyInfo(jdk.getPrivateKeyAlgorithm(), withPoint).getEncoded();
	}

	private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
		try {
			ContentSigner signer = new JcaContentSignerBuilder(this.kind.signatureAlgorithm())
				.build(this.caKeys.getPrivate());
			return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
		}
		catch (org.bouncycastle.operator.OperatorCreationException ex) {
			throw new GeneralSecurityException(ex);
		}
	}

	static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
		try (var in = Files.newInputStream(file)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

	@SuppressWarnings("unchecked")
	static Collection<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
		try (var in = Files.newInputStream(file)) {
			return (Collection<X509Certificate>) CertificateFactory.getInstance("X.509").generateCertificates(in);
		}
	}

	static PrivateKey readKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
		String text = Files.readString(file, StandardCharsets.US_ASCII)
			.replaceAll("-----[A-Z ]+-----", "")
			.replaceAll("\\s", "");
		return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static BigInteger serial() {
		return new BigInteger(127, RANDOM).setBit(120);
	}

	/** The key types the benchmarks use. */
	enum KeyKind {

		/** ECDSA P-256. */
		EC("EC", "SHA256withECDSA"),

		/** RSA-2048. */
		RSA("RSA", "SHA256withRSA");

		private final String algorithm;

		private final String signatureAlgorithm;

		KeyKind(String algorithm, String signatureAlgorithm) {
			this.algorithm = algorithm;
			this.signatureAlgorithm = signatureAlgorithm;
		}

		String algorithm() {
			return this.algorithm;
		}

		String signatureAlgorithm() {
			return this.signatureAlgorithm;
		}

		KeyPair generate() throws GeneralSecurityException {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(this.algorithm);
			if (this == EC) {
				generator.initialize(new ECGenParameterSpec("secp256r1"));
			}
			else {
				generator.initialize(2048);
			}
			return generator.generateKeyPair();
		}

	}

}
