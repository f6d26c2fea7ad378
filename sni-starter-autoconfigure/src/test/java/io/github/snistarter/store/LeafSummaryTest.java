package io.github.snistarter.store;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.KeyType;
import io.github.snistarter.testkit.Pem;
import io.github.snistarter.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the directory store reads from a leaf's DER without the JDK's parser agrees with
 * that parser, and whatever it cannot read exactly is left to the JDK.
 */
class LeafSummaryTest {

	private static final TestCa EC_CA = TestCa.shared();

	private static final TestCa RSA_CA = TestCa.shared(KeyType.RSA_2048);

	static Stream<IssuedCertificate> certificates() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		return Stream.of(EC_CA.issue("api.test"), EC_CA.issue("*.tenants.test", "Shop.Example.TEST", "a.test"),
				EC_CA.leaf("old.test").expired().issue(), EC_CA.leaf("new.test").notYetValid().issue(),
				EC_CA.leaf("far.test").validity(now, now.plus(365L * 30, ChronoUnit.DAYS)).issue(),
				EC_CA.issue(KeyType.RSA_2048, "rsa.test"), RSA_CA.issue("by-rsa.test"));
	}

	@ParameterizedTest
	@MethodSource("certificates")
	void readsWhatTheJdkReads(IssuedCertificate issued) throws Exception {
		X509Certificate certificate = issued.certificate();
		LeafSummary summary = LeafSummary.read(certificate.getEncoded());
		assertThat(summary).isNotNull();
		assertThat(summary.dnsNames()).isEqualTo(CertificateCoverage.dnsNames(certificate));
		assertThat(summary.notBefore()).isEqualTo(certificate.getNotBefore().getTime());
		assertThat(summary.notAfter()).isEqualTo(certificate.getNotAfter().getTime());
		assertThat(summary.keyAlgorithm()).isEqualTo(KeyAlgorithm.of(certificate.getPublicKey()));
		assertThat(summary.issuer()).isEqualTo(certificate.getIssuerX500Principal().getEncoded());
	}

	@ParameterizedTest
	@MethodSource("certificates")
	void keyMatchesOnlyTheCertificateItBelongsTo(IssuedCertificate issued) throws Exception {
		LeafSummary summary = LeafSummary.read(issued.certificate().getEncoded());
		IssuedCertificate stranger = EC_CA.issue(keyType(issued), "stranger.test");
		assertThat(summary.matches(pkcs8(issued.opensslPrivateKeyPem()))).isTrue();
		assertThat(summary.matches(pkcs8(stranger.opensslPrivateKeyPem()))).isFalse();
	}

	@Test
	void keyThatDoesNotCarryItsPointIsLeftToTheJdk() throws Exception {
		IssuedCertificate issued = EC_CA.issue("api.test");
		LeafSummary summary = LeafSummary.read(issued.certificate().getEncoded());
		// The JDK encodes EC keys without the public point: only a signature can tell.
		assertThat(summary.matches(pkcs8(issued.privateKeyPem()))).isNull();
		assertThat(summary.matches(pkcs8(EC_CA.issue(KeyType.RSA_2048, "rsa.test").privateKeyPem()))).isNull();
	}

	@Test
	void certificateWithoutSubjectAltNamesIsLeftToTheJdk() throws Exception {
		IssuedCertificate bare = EC_CA.leaf("bare.test").withoutSubjectAltNames().issue();
		assertThat(LeafSummary.read(bare.certificate().getEncoded())).isNull();
	}

	@Test
	void damagedEncodingsAreLeftToTheJdkWithoutFailing() throws Exception {
		byte[] der = EC_CA.issue("api.test", "*.api.test").certificate().getEncoded();
		assertThat(LeafSummary.read(Arrays.copyOf(der, der.length - 1))).isNull();
		assertThat(LeafSummary.read(Arrays.copyOf(der, der.length + 1))).isNull();
		assertThat(LeafSummary.read(new byte[0])).isNull();
		SplittableRandom random = new SplittableRandom(42);
		int read = 0;
		for (int i = 0; i < 20_000; i++) {
			byte[] damaged = der.clone();
			damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
			LeafSummary summary = LeafSummary.read(damaged);
			if (summary != null) {
				read++;
				// A flip it reads through (in the serial, a signature, a name's letters) is
				// read exactly: every DNS name is still plain ASCII without spaces.
				assertThat(summary.dnsNames()).allMatch((name) -> name.chars().allMatch((c) -> c > 0x20 && c < 0x7f));
			}
		}
		assertThat(read).as("flips that leave the structure intact").isPositive();
	}

	private static KeyType keyType(IssuedCertificate issued) {
		return "RSA".equals(issued.certificate().getPublicKey().getAlgorithm()) ? KeyType.RSA_2048 : KeyType.EC_P256;
	}

	private static byte[] pkcs8(String pem) {
		List<byte[]> blocks = Pem.decodeAll(pem, "PRIVATE KEY");
		assertThat(blocks).hasSize(1);
		return blocks.get(0);
	}

}
