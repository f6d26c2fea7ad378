package io.github.snistarter.testkit;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TestCaTest {

	@TempDir
	Path dir;

	@Test
	void caIsSelfSignedCertificateAuthority() throws Exception {
		TestCa ca = TestCa.create(KeyType.EC_P256);
		X509Certificate certificate = ca.certificate();
		assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
		assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
		certificate.verify(certificate.getPublicKey());
		assertThat(certificate.getKeyUsage()[5]).as("keyCertSign").isTrue();
	}

	@Test
	void sharedCaIsCachedAndCreateIsFresh() {
		assertThat(TestCa.shared()).isSameAs(TestCa.shared());
		assertThat(TestCa.create().certificate()).isNotEqualTo(TestCa.shared().certificate());
	}

	@Test
	void leafHasRequestedNamesAndIsSignedByCa() throws Exception {
		TestCa ca = TestCa.shared();
		IssuedCertificate leaf = ca.issue("shop.test", "*.shop.test", "other.test");
		X509Certificate certificate = leaf.certificate();
		assertThat(leaf.dnsNames()).containsExactly("shop.test", "*.shop.test", "other.test");
		assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=shop.test");
		assertThat(certificate.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
		assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
		assertThat(certificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
		certificate.verify(ca.certificate().getPublicKey());
		certificate.checkValidity();
		assertThat(leaf.keyType()).isEqualTo(KeyType.EC_P256);
		assertThat(leaf.privateKey().getAlgorithm()).isEqualTo("EC");
		assertThat(leaf.chain()).containsExactly(certificate, ca.certificate());
		assertThat(leaf.serial()).isEqualTo(certificate.getSerialNumber()).isPositive();
	}

	@Test
	void rsaLeafFromRsaCa() throws Exception {
		TestCa ca = TestCa.shared(KeyType.RSA_2048);
		IssuedCertificate leaf = ca.issue(KeyType.RSA_2048, "rsa.test");
		assertThat(leaf.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
		assertThat(leaf.privateKey().getAlgorithm()).isEqualTo("RSA");
		assertThat(leaf.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
		leaf.certificate().verify(ca.certificate().getPublicKey());
		assertThat(TestCa.shared().issue("ec.test").certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
	}

	@Test
	void leafCanCertifyAnExistingKeyPair() {
		IssuedCertificate first = TestCa.shared().issue("renew.test");
		IssuedCertificate renewed = TestCa.shared()
			.leaf("renew.test")
			.keyPair(new KeyPair(first.certificate().getPublicKey(), first.privateKey()))
			.issue();
		assertThat(renewed.certificate().getPublicKey()).isEqualTo(first.certificate().getPublicKey());
		assertThat(renewed.serial()).isNotEqualTo(first.serial());
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> TestCa.shared()
			.leaf("mismatch.test")
			.keyType(KeyType.RSA_2048)
			.keyPair(KeyType.EC_P256.generateKeyPair())
			.issue());
	}

	@Test
	void leafWithoutSubjectAltNamesKeepsCommonName() throws Exception {
		IssuedCertificate leaf = TestCa.shared().leaf().commonName("legacy.test").withoutSubjectAltNames().issue();
		assertThat(leaf.certificate().getSubjectAlternativeNames()).isNull();
		assertThat(leaf.dnsNames()).isEmpty();
		assertThat(leaf.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=legacy.test");
	}

	@Test
	void commonNameCanDifferFromFirstName() {
		IssuedCertificate leaf = TestCa.shared().leaf("a.test").commonName("b.test").issue();
		assertThat(leaf.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=b.test");
		assertThat(leaf.dnsNames()).containsExactly("a.test");
	}

	@Test
	void validityCanBeInThePastOrFuture() {
		X509Certificate expired = TestCa.shared().leaf("old.test").expired().issue().certificate();
		assertThatExceptionOfType(CertificateExpiredException.class).isThrownBy(expired::checkValidity);
		X509Certificate future = TestCa.shared().leaf("new.test").notYetValid().issue().certificate();
		assertThatExceptionOfType(CertificateNotYetValidException.class).isThrownBy(future::checkValidity);
		Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
		Instant notAfter = notBefore.plus(Duration.ofDays(1));
		X509Certificate exact = TestCa.shared().leaf("exact.test").validity(notBefore, notAfter).issue().certificate();
		assertThat(exact.getNotBefore().toInstant()).isEqualTo(notBefore);
		assertThat(exact.getNotAfter().toInstant()).isEqualTo(notAfter);
	}

	@Test
	void serialsAreUnique() {
		Set<BigInteger> serials = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			serials.add(TestCa.shared().issue("serial.test").serial());
		}
		assertThat(serials).hasSize(20);
	}

	@Test
	void leafNeedsAName() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> TestCa.shared().leaf().issue());
	}

	@Test
	void pemFilesRoundTrip() throws Exception {
		for (KeyType keyType : KeyType.values()) {
			IssuedCertificate leaf = TestCa.shared().issue(keyType, "pem.test");
			PemFiles files = leaf.writePem(this.dir, "pem-" + keyType);
			assertThat(files.certificate()).isEqualTo(this.dir.resolve("pem-" + keyType + ".crt"));
			assertThat(files.privateKey()).isEqualTo(this.dir.resolve("pem-" + keyType + ".key"));
			List<X509Certificate> chain = Pem.parseCertificates(Files.readString(files.certificate()));
			assertThat(chain).containsExactly(leaf.chain());
			String keyPem = Files.readString(files.privateKey());
			assertThat(keyPem).startsWith("-----BEGIN " + "PRIVATE KEY-----\n").endsWith("-----END " + "PRIVATE KEY-----\n");
			PrivateKey key = Pem.parsePrivateKey(keyPem, keyType);
			assertThat(key.getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
			assertKeyMatchesCertificate(key, chain.get(0), keyType);
		}
	}

	@Test
	void caPemFile() throws Exception {
		Path file = TestCa.shared().writePem(this.dir, "ca");
		assertThat(file).isEqualTo(this.dir.resolve("ca.crt"));
		assertThat(Pem.parseCertificates(Files.readString(file))).containsExactly(TestCa.shared().certificate());
	}

	@Test
	void keyStores() throws Exception {
		IssuedCertificate leaf = TestCa.shared().issue("store.test");
		KeyStore keyStore = leaf.keyStore("server", "secret".toCharArray());
		assertThat(keyStore.getKey("server", "secret".toCharArray()).getEncoded())
			.isEqualTo(leaf.privateKey().getEncoded());
		assertThat(keyStore.getCertificateChain("server")).containsExactly(leaf.chain());

		KeyStore trustStore = TestCa.shared().trustStore();
		assertThat(trustStore.isCertificateEntry("test-ca")).isTrue();
		assertThat(trustStore.getCertificate("test-ca")).isEqualTo(TestCa.shared().certificate());

		Path file = leaf.writeKeyStore(this.dir.resolve("server.p12"), "server", "secret");
		KeyStore loaded = KeyStore.getInstance(file.toFile(), "secret".toCharArray());
		assertThat(loaded.getCertificate("server")).isEqualTo(leaf.certificate());
		Path trustFile = TestCa.shared().writeTrustStore(this.dir.resolve("trust.p12"), "changeit");
		assertThat(KeyStore.getInstance(trustFile.toFile(), "changeit".toCharArray()).getCertificate("test-ca"))
			.isEqualTo(TestCa.shared().certificate());
	}

	private static void assertKeyMatchesCertificate(PrivateKey key, X509Certificate certificate, KeyType keyType)
			throws Exception {
		byte[] data = "proof".getBytes();
		Signature signer = Signature.getInstance(keyType.signatureAlgorithm());
		signer.initSign(key);
		signer.update(data);
		byte[] signature = signer.sign();
		Signature verifier = Signature.getInstance(keyType.signatureAlgorithm());
		verifier.initVerify(certificate.getPublicKey());
		verifier.update(data);
		assertThat(verifier.verify(signature)).isTrue();
	}

}
