package io.github.snistarter.actuate;

import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.KeyType;
import io.github.snistarter.testkit.TestCa;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check behind the health contributor's {@code DOWN}: a default context that has no
 * key, or a key that does not match its certificate, cannot serve a client without SNI.
 */
class DefaultCertificateProbeTest {

	private final DefaultCertificateProbe probe = new DefaultCertificateProbe();

	@Test
	void contextWithMatchingKeyPresentsItsCertificate() {
		IssuedCertificate certificate = TestCa.shared().issue("default.test");
		DefaultCertificateProbe.Result result = this.probe.probe(certificate.serverSslContext());
		assertThat(result.problem()).isNull();
		assertThat(result.leaf()).isEqualTo(certificate.certificate());
	}

	@Test
	void noContextMeansNoDefaultCertificate() {
		assertThat(this.probe.probe(null).problem()).startsWith("No default certificate is configured");
	}

	@Test
	void contextWithoutKeyCannotServe() throws Exception {
		SSLContext keyless = SSLContext.getInstance("TLS");
		keyless.init(null, null, null);
		DefaultCertificateProbe.Result result = this.probe.probe(keyless);
		assertThat(result.problem()).startsWith("The default certificate cannot be served");
		assertThat(result.leaf()).isNull();
	}

	@Test
	void keyThatDoesNotMatchTheCertificateCannotServe() throws Exception {
		IssuedCertificate certificate = TestCa.shared().issue("default.test");
		IssuedCertificate other = TestCa.shared().issue(KeyType.EC_P256, "other.test");
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry("default", other.privateKey(), new char[0], new Certificate[] { certificate.certificate() });
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(store, new char[0]);
		SSLContext mismatched = SSLContext.getInstance("TLS");
		mismatched.init(keyManagers.getKeyManagers(), null, null);
		assertThat(this.probe.probe(mismatched).problem()).startsWith("The default certificate cannot be served");
	}

	@Test
	void resultIsKeptUntilTheContextChanges() {
		SSLContext context = TestCa.shared().issue("default.test").serverSslContext();
		assertThat(this.probe.probe(context)).isSameAs(this.probe.probe(context));
	}

}
