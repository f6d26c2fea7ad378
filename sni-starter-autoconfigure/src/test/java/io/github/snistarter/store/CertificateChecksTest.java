package io.github.snistarter.store;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.KeyType;
import io.github.snistarter.testkit.TestCa;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The checks every certificate passes before it is served (SPEC T6).
 */
class CertificateChecksTest {

	private final TestCa ca = TestCa.shared();

	private final CertificateSource source = new RuntimeCertificates();

	@Test
	void ecKeyThatCarriesItsPublicPointIsComparedWithTheCertificate() throws Exception {
		IssuedCertificate certificate = this.ca.issue("point.test");
		IssuedCertificate other = this.ca.issue("other.test");
		PrivateKey withPoint = withPublicPoint(certificate);
		assertThat(EcPublicPoint.matches(withPoint, (java.security.interfaces.ECPublicKey) certificate.certificate()
			.getPublicKey())).isTrue();
		assertThat(CertificateChecks.keyMatches(withPoint, certificate.certificate())).isTrue();
		assertThat(CertificateChecks.keyMatches(withPoint, other.certificate())).isFalse();
	}

	@Test
	void ecKeyWithoutItsPublicPointIsCheckedWithASignature() {
		IssuedCertificate certificate = this.ca.issue("jdk.test");
		assertThat(EcPublicPoint.matches(certificate.privateKey(),
				(java.security.interfaces.ECPublicKey) certificate.certificate().getPublicKey()))
			.isNull();
		assertThat(CertificateChecks.keyMatches(certificate.privateKey(), certificate.certificate())).isTrue();
		assertThat(CertificateChecks.keyMatches(certificate.privateKey(), this.ca.issue("x.test").certificate()))
			.isFalse();
	}

	@Test
	void rsaKeyIsComparedByModulusAndNeverMatchesAnEcCertificate() {
		IssuedCertificate rsa = this.ca.issue(KeyType.RSA_2048, "rsa.test");
		assertThat(CertificateChecks.keyMatches(rsa.privateKey(), rsa.certificate())).isTrue();
		assertThat(CertificateChecks.keyMatches(rsa.privateKey(), this.ca.issue("ec.test").certificate())).isFalse();
	}

	@Test
	void chainOutOfOrderIsRejected() {
		IssuedCertificate certificate = this.ca.issue("order.test");
		assertThatExceptionOfType(InvalidCertificateException.class)
			.isThrownBy(() -> CertificateChecks.check(this.source, "id", "file order.pem",
					List.of(certificate.certificate(), this.ca.issue("stray.test").certificate()),
					certificate.privateKey()))
			.withMessage("Certificate from file order.pem rejected: its chain is out of order: certificate 1 is "
					+ "not issued by certificate 2");
	}

	@Test
	void namesComeFromDnsSubjectAlternativeNamesOnly() {
		IssuedCertificate names = this.ca.issue("Shop.Test", "*.shop.test", "xn--bcher-kva.test", "10.0.0.1");
		CompactCertificate checked = CertificateChecks.check(this.source, "id", "here", List.of(names.chain()),
				names.privateKey());
		assertThat(checked.names()).containsExactly("shop.test", "*.shop.test", "xn--bcher-kva.test");
		IssuedCertificate legacy = this.ca.leaf("legacy.test").withoutSubjectAltNames().issue();
		assertThatExceptionOfType(InvalidCertificateException.class)
			.isThrownBy(() -> CertificateChecks.check(this.source, "id", "here", List.of(legacy.chain()),
					legacy.privateKey()))
			.withMessageContaining("names no DNS host");
	}

	/** The key as OpenSSL writes it: the PKCS#8 encoding carries the public point. */
	private static PrivateKey withPublicPoint(IssuedCertificate certificate) throws Exception {
		ASN1BitString point = SubjectPublicKeyInfo.getInstance(certificate.certificate().getPublicKey().getEncoded())
			.getPublicKeyData();
		PrivateKeyInfo info = new PrivateKeyInfo(
				new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
				new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) certificate.privateKey()).getS(),
						point, null));
		return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
	}

}
