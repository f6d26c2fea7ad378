package io.github.snistarter.store;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.KeyType;
import io.github.snistarter.testkit.Pem;
import io.github.snistarter.testkit.TestCa;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the directory store reads from a folder and how it reacts to bad files (SPEC
 * T6), scanning on demand (the watcher is covered by {@code DirectoryStoreTest}).
 */
@ExtendWith(OutputCaptureExtension.class)
class DirectoryCertificatesTest {

	private static final String PASSWORD = "secret";

	@TempDir
	Path directory;

	private final TestCa ca = TestCa.shared();

	private DirectoryCertificates source;

	private CertificateStore store;

	@AfterEach
	void close() throws IOException {
		if (this.store != null) {
			this.store.close();
		}
		if (this.source != null) {
			this.source.close();
		}
	}

	@Test
	void pemFileWithChainAndKeyServesTheNamesOfItsSubjectAlternativeNames() throws IOException {
		IssuedCertificate shop = this.ca.issue("shop.test", "*.shop.test");
		write("shop.pem", shop.chainPem() + shop.privateKeyPem());
		open();
		assertThat(serialFor("shop.test")).isEqualTo(shop.serial());
		assertThat(serialFor("www.shop.test")).isEqualTo(shop.serial());
		assertThat(this.store.find("other.test")).isNull();
	}

	@Test
	void certificateAndKeyFilesPairByName() throws IOException {
		IssuedCertificate tls = this.ca.issue("pair.test");
		write("tls.crt", tls.chainPem());
		write("tls.key", tls.privateKeyPem());
		IssuedCertificate certbot = this.ca.issue("certbot.test");
		Files.createDirectories(this.directory.resolve("certbot.test"));
		write("certbot.test/fullchain.pem", certbot.chainPem());
		write("certbot.test/privkey.pem", certbot.privateKeyPem());
		write("certbot.test/cert.pem", Pem.certificates(certbot.certificate()));
		write("certbot.test/chain.pem", this.ca.certificatePem());
		open();
		assertThat(serialFor("pair.test")).isEqualTo(tls.serial());
		assertThat(serialFor("certbot.test")).isEqualTo(certbot.serial());
		assertThat(this.source.list()).extracting(CertificateInfo::status).containsOnly(CertificateStatus.SERVING);
	}

	@Test
	void pkcs12FileIsReadWithTheConfiguredPassword() {
		IssuedCertificate p12 = this.ca.issue("p12.test");
		p12.writeKeyStore(this.directory.resolve("p12.p12"), "server", PASSWORD);
		open();
		assertThat(serialFor("p12.test")).isEqualTo(p12.serial());
	}

	@Test
	void encryptedPemKeyIsReadWithTheConfiguredPassword() throws Exception {
		IssuedCertificate encrypted = this.ca.issue("encrypted.test");
		write("encrypted.pem", encrypted.chainPem() + encryptedKeyPem(encrypted));
		open();
		assertThat(serialFor("encrypted.test")).isEqualTo(encrypted.serial());
	}

	@Test
	void caCertificateWithoutKeyIsSkippedQuietly(CapturedOutput output) {
		this.ca.writeCertificatePem(this.directory.resolve("ca.crt"));
		open();
		assertThat(this.source.list()).isEmpty();
		assertThat(output).doesNotContain("rejected");
	}

	@Test
	void leafWithoutKeyIsRejectedNamingTheExpectedKeyFile(CapturedOutput output) throws IOException {
		write("lonely.crt", this.ca.issue("lonely.test").chainPem());
		open();
		assertThat(this.store.find("lonely.test")).isNull();
		assertThat(output).contains("Certificate from file " + this.directory.resolve("lonely.crt")
				+ " rejected: it holds a certificate but no private key (expected lonely.key beside it");
	}

	@Test
	void mismatchedKeyIsRejectedAndThePreviousVersionKeepsServing(CapturedOutput output) throws IOException {
		IssuedCertificate api = this.ca.issue("api.test");
		write("api.crt", api.chainPem());
		write("api.key", api.privateKeyPem());
		open();
		IssuedCertificate renewed = this.ca.issue("api.test");
		IssuedCertificate stranger = this.ca.issue("stranger.test");
		write("api.crt", renewed.chainPem());
		write("api.key", stranger.privateKeyPem());
		this.source.rescan();
		assertThat(serialFor("api.test")).isEqualTo(api.serial());
		assertThat(output).containsOnlyOnce("Certificate from files " + this.directory.resolve("api.crt") + ", "
				+ this.directory.resolve("api.key")
				+ " rejected: the private key does not match the certificate; the previous version keeps serving");
		assertThat(this.source.list()).extracting(CertificateInfo::status)
			.containsExactly(CertificateStatus.SERVING, CertificateStatus.REJECTED);
	}

	@Test
	void corruptFileIsRejectedInOneLineWithoutKeyMaterialAndOtherNamesAreUnaffected(CapturedOutput output)
			throws IOException {
		IssuedCertificate good = this.ca.issue("good.test");
		IssuedCertificate broken = this.ca.issue("broken.test");
		write("good.pem", good.chainPem() + good.privateKeyPem());
		String keyPem = broken.privateKeyPem();
		String corruptKey = keyPem.substring(0, keyPem.length() / 2) + "!!!" + keyPem.substring(keyPem.length() / 2);
		write("broken.pem", broken.chainPem() + corruptKey);
		open();
		assertThat(serialFor("good.test")).isEqualTo(good.serial());
		assertThat(this.store.find("broken.test")).isNull();
		String line = output.getAll()
			.lines()
			.filter((candidate) -> candidate.contains("rejected:"))
			.findFirst()
			.orElseThrow();
		assertThat(line).contains("Certificate from file " + this.directory.resolve("broken.pem") + " rejected: ")
			.contains("nothing from it is served");
		assertThat(output).doesNotContain(base64Body(keyPem).substring(0, 20));
		this.source.rescan();
		assertThat(output.getAll().lines().filter((candidate) -> candidate.contains("rejected:"))).hasSize(1);
	}

	@Test
	void manyFilesAreReadTogetherAndOneBadFileDoesNotStopTheOthers(CapturedOutput output) throws IOException {
		// 100 files: above the count that is read by the pool of reader threads.
		for (int i = 0; i < 99; i++) {
			IssuedCertificate tenant = this.ca.issue("tenant" + i + ".test");
			write("tenant" + i + ".pem", tenant.chainPem() + tenant.privateKeyPem());
		}
		IssuedCertificate broken = this.ca.issue("broken.test");
		write("broken.pem", broken.chainPem());
		open();
		for (int i = 0; i < 99; i++) {
			assertThat(this.store.find("tenant" + i + ".test")).as("tenant" + i).isNotNull();
		}
		assertThat(this.store.find("broken.test")).isNull();
		assertThat(output.getAll().lines().filter((line) -> line.contains("rejected:"))).singleElement()
			.asString()
			.contains(this.directory.resolve("broken.pem").toString());
		// The reader threads end with the read.
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (readerThreadsAlive() > 0 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(readerThreadsAlive()).isZero();
	}

	private static long readerThreadsAlive() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("sni-directory-reader-") && thread.isAlive())
			.count();
	}

	@Test
	void unchangedFilesAreNotReadAgain() throws IOException {
		IssuedCertificate api = this.ca.issue("api.test");
		write("api.pem", api.chainPem() + api.privateKeyPem());
		open();
		StoredCertificate loaded = this.store.find("api.test").certificate();
		IssuedCertificate other = this.ca.issue("other.test");
		write("other.pem", other.chainPem() + other.privateKeyPem());
		this.source.rescan();
		this.source.rescan();
		// Reading a file again would publish a new version of its certificate.
		assertThat(this.store.find("api.test").certificate()).isSameAs(loaded);
		assertThat(serialFor("other.test")).isEqualTo(other.serial());
	}

	@Test
	void replacedFileReplacesItsCertificateAndDeletedFileRemovesIt() throws IOException {
		IssuedCertificate first = this.ca.issue("api.test");
		write("api.pem", first.chainPem() + first.privateKeyPem());
		open();
		IssuedCertificate second = this.ca.issue("api.test");
		write("api.pem", second.chainPem() + second.privateKeyPem());
		this.source.rescan();
		assertThat(serialFor("api.test")).isEqualTo(second.serial());
		Files.delete(this.directory.resolve("api.pem"));
		this.source.rescan();
		assertThat(this.store.find("api.test")).isNull();
		assertThat(this.store.statistics().indexedNames()).isZero();
	}

	@Test
	void hiddenFilesAndOtherExtensionsAreIgnoredAndSubdirectoriesAreRead() throws IOException {
		IssuedCertificate nested = this.ca.issue("nested.test");
		IssuedCertificate hidden = this.ca.issue("hidden.test");
		Files.createDirectories(this.directory.resolve("tenants/a"));
		write("tenants/a/nested.pem", nested.chainPem() + nested.privateKeyPem());
		write(".api.pem.tmp", hidden.chainPem() + hidden.privateKeyPem());
		write("notes.txt", hidden.chainPem() + hidden.privateKeyPem());
		Files.createDirectories(this.directory.resolve(".git"));
		write(".git/hidden.pem", hidden.chainPem() + hidden.privateKeyPem());
		open();
		assertThat(serialFor("nested.test")).isEqualTo(nested.serial());
		assertThat(this.store.find("hidden.test")).isNull();
	}

	@Test
	void expiredCertificateLoadsWithAWarningAndIsListedAsExpired(CapturedOutput output) throws IOException {
		IssuedCertificate expired = this.ca.leaf("old.test").expired().issue();
		write("old.pem", expired.chainPem() + expired.privateKeyPem());
		open();
		assertThat(serialFor("old.test")).isEqualTo(expired.serial());
		assertThat(output).contains("WARN").contains("Certificate from file " + this.directory.resolve("old.pem")
				+ " for [old.test] expired on");
		CertificateInfo info = this.source.list().get(0);
		assertThat(info.status()).isEqualTo(CertificateStatus.EXPIRED);
		assertThat(info.serialNumber()).isEqualTo(expired.serial().toString(16));
		assertThat(info.source()).isEqualTo("directory " + this.directory.toAbsolutePath().normalize());
		assertThat(info.id()).isEqualTo(this.directory.resolve("old.pem").toString());
	}

	@Test
	void directoryThatCannotBeListedKeepsItsCertificatesServingUntilItCanBeReadAgain(CapturedOutput output)
			throws IOException {
		IssuedCertificate api = this.ca.issue("api.test");
		write("api.pem", api.chainPem() + api.privateKeyPem());
		open();
		Path away = Files.move(this.directory, this.directory.resolveSibling(this.directory.getFileName() + "-away"));
		try {
			this.source.rescan();
			this.source.rescan();
			assertThat(serialFor("api.test")).as("served while the directory is gone").isEqualTo(api.serial());
			Files.writeString(this.directory, "not a directory");
			this.source.rescan();
			assertThat(serialFor("api.test")).as("served while the path is a file").isEqualTo(api.serial());
		}
		finally {
			Files.deleteIfExists(this.directory);
			Files.move(away, this.directory);
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains(" ERROR "))).singleElement()
			.asString()
			.contains("Cannot read certificate directory " + this.directory.toAbsolutePath().normalize())
			.contains("NoSuchFileException")
			.contains("the 1 certificates read from it keep serving");
		assertThat(output).doesNotContain("\tat ");
		IssuedCertificate renewed = this.ca.issue("api.test");
		write("api.pem", renewed.chainPem() + renewed.privateKeyPem());
		this.source.rescan();
		assertThat(serialFor("api.test")).isEqualTo(renewed.serial());
		assertThat(output).contains("Certificate directory " + this.directory.toAbsolutePath().normalize()
				+ " can be read again");
	}

	@Test
	void keysAsOpenSslWritesThemAreCheckedFromTheirEncodingsWithTheSameResultAsTheJdk(CapturedOutput output)
			throws Exception {
		List<IssuedCertificate> issued = List.of(this.ca.issue("api.test", "*.API.test"),
				this.ca.leaf("old.test").expired().issue(), this.ca.issue(KeyType.RSA_2048, "rsa.test"));
		for (int i = 0; i < issued.size(); i++) {
			write("c" + i + ".crt", issued.get(i).chainPem());
			write("c" + i + ".key", issued.get(i).opensslPrivateKeyPem());
		}
		IssuedCertificate stranger = this.ca.issue("stranger.test");
		write("wrong.crt", this.ca.issue("wrong.test").chainPem());
		write("wrong.key", stranger.opensslPrivateKeyPem());
		open();
		for (int i = 0; i < issued.size(); i++) {
			IssuedCertificate certificate = issued.get(i);
			StoredCertificate stored = this.store.find(certificate.dnsNames().get(0).toLowerCase(Locale.ROOT))
				.certificate();
			CompactCertificate byTheJdk = CertificateChecks.check(this.source, stored.id(), "test",
					List.of(certificate.chain()), certificate.privateKey());
			CertificateFiles.EncodedMaterial encoded = new CertificateFiles.EncodedMaterial(stored.id(),
					PemBlocks.encodedChain(certificate.chainPem()), PemBlocks.pkcs8(certificate.opensslPrivateKeyPem()));
			assertThat(CertificateChecks.checkEncoded(this.source, encoded)).as("checked from the encodings").isNotNull();
			assertThat(stored.names()).isEqualTo(byTheJdk.names());
			assertThat(stored.notBefore()).isEqualTo(byTheJdk.notBefore());
			assertThat(stored.notAfter()).isEqualTo(byTheJdk.notAfter());
			assertThat(stored.keyAlgorithm()).isEqualTo(byTheJdk.keyAlgorithm());
			assertThat(((CompactCertificate) stored).chain()).isEqualTo(List.of(certificate.chain()));
			// The key is parsed when the context is first built.
			assertThat(this.store.context(stored, Duration.ofSeconds(5))).isNotNull();
		}
		assertThat(this.store.find("wrong.test")).isNull();
		assertThat(output).contains("Certificate from files " + this.directory.resolve("wrong.crt") + ", "
				+ this.directory.resolve("wrong.key") + " rejected: the private key does not match the certificate");
	}

	private void open() {
		this.source = new DirectoryCertificates(this.directory, Duration.ofHours(1), Duration.ofHours(1), PASSWORD);
		this.store = new CertificateStore(List.of(this.source), new CertificateContextFactory("TLS", null), 100, 1);
	}

	private BigInteger serialFor(String name) {
		Selection selection = this.store.find(name);
		assertThat(selection).as(name).isNotNull();
		try {
			return ((CompactCertificate) selection.certificate()).leaf().getSerialNumber();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void write(String name, String content) throws IOException {
		Files.writeString(this.directory.resolve(name), content, StandardCharsets.US_ASCII);
	}

	private static String encryptedKeyPem(IssuedCertificate certificate) throws Exception {
		OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
			.setProvider(new BouncyCastleProvider())
			.setPassword(PASSWORD.toCharArray())
			.build();
		java.io.StringWriter text = new java.io.StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(new JcaPKCS8Generator(certificate.privateKey(), encryptor));
		}
		return text.toString();
	}

	private static String base64Body(String pem) {
		return pem.lines().filter((line) -> !line.startsWith("-----")).reduce("", String::concat);
	}

}
