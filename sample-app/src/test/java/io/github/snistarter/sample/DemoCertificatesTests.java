package io.github.snistarter.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DemoCertificates}: files, names and reuse, without starting a server.
 */
class DemoCertificatesTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final List<String> ALL = List.of("ca", "default", "alpha", "beta", "tenants");

	@TempDir
	Path directory;

	@Test
	void firstCallCreatesCaAndEveryCertificate() throws Exception {
		DemoCertificates.Report report = certificatesAt(NOW).ensure();
		assertThat(report.created()).containsExactlyElementsOf(ALL);
		assertThat(report.reused()).isEmpty();
		for (String name : ALL) {
			assertThat(this.directory.resolve(name + ".crt")).isRegularFile();
			assertThat(this.directory.resolve(name + ".key")).isRegularFile()
				.content()
				.startsWith("-----BEGIN " + "PRIVATE KEY-----");
		}
	}

	@Test
	void certificatesCarryTheirServerNames() throws Exception {
		certificatesAt(NOW).ensure();
		assertThat(DemoCertificates.dnsNames(leaf("default"))).containsExactly("localhost", "default.localhost");
		assertThat(DemoCertificates.dnsNames(leaf("alpha"))).containsExactly("alpha.localhost");
		assertThat(DemoCertificates.dnsNames(leaf("beta"))).containsExactly("beta.localhost");
		assertThat(DemoCertificates.dnsNames(leaf("tenants"))).containsExactly("*.tenants.localhost");
	}

	@Test
	void eachCertificateFileIsLeafThenCaAndMatchesItsKey() throws Exception {
		certificatesAt(NOW).ensure();
		X509Certificate ca = PemFiles.readCertificates(this.directory.resolve("ca.crt")).get(0);
		ca.verify(ca.getPublicKey());
		assertThat(ca.getBasicConstraints()).isZero();
		for (DemoCertificate certificate : DemoCertificates.CERTIFICATES) {
			List<X509Certificate> chain = PemFiles.readCertificates(this.directory.resolve(certificate.name() + ".crt"));
			assertThat(chain).hasSize(2);
			assertThat(chain.get(1)).isEqualTo(ca);
			X509Certificate leaf = chain.get(0);
			leaf.verify(ca.getPublicKey());
			assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
			assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
			assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=" + certificate.commonName());
			PrivateKey key = PemFiles.readPrivateKey(this.directory.resolve(certificate.name() + ".key"));
			assertThat(DemoCertificateAuthority.isKeyPair(key, leaf.getPublicKey())).isTrue();
		}
	}

	@Test
	void keysAreEcP256AndValidityIsOneYear() throws Exception {
		certificatesAt(NOW).ensure();
		for (String name : ALL) {
			X509Certificate certificate = PemFiles.readCertificates(this.directory.resolve(name + ".crt")).get(0);
			assertThat(certificate.getPublicKey()).isInstanceOf(ECPublicKey.class);
			assertThat(((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize())
				.isEqualTo(256);
			assertThat(certificate.getNotBefore().toInstant()).isBeforeOrEqualTo(NOW);
			assertThat(Duration.between(NOW, certificate.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(365));
		}
	}

	@Test
	void subjectsAndSerialsAreDistinct() throws Exception {
		certificatesAt(NOW).ensure();
		List<String> subjects = new ArrayList<>();
		List<Object> serials = new ArrayList<>();
		for (String name : ALL) {
			X509Certificate certificate = PemFiles.readCertificates(this.directory.resolve(name + ".crt")).get(0);
			subjects.add(certificate.getSubjectX500Principal().getName());
			serials.add(certificate.getSerialNumber());
		}
		assertThat(subjects).doesNotHaveDuplicates();
		assertThat(serials).doesNotHaveDuplicates();
	}

	@Test
	void secondCallReusesEverything() throws Exception {
		certificatesAt(NOW).ensure();
		Map<Path, String> before = contents();
		DemoCertificates.Report report = certificatesAt(NOW.plus(Duration.ofDays(30))).ensure();
		assertThat(report.created()).isEmpty();
		assertThat(report.reused()).containsExactlyElementsOf(ALL);
		assertThat(contents()).isEqualTo(before);
	}

	@Test
	void missingCertificateIsReissuedByTheExistingCa() throws Exception {
		certificatesAt(NOW).ensure();
		Map<Path, String> before = contents();
		Files.delete(this.directory.resolve("beta.crt"));
		DemoCertificates.Report report = certificatesAt(NOW).ensure();
		assertThat(report.created()).containsExactly("beta");
		Map<Path, String> after = contents();
		for (String name : List.of("ca", "default", "alpha", "tenants")) {
			assertThat(after.get(this.directory.resolve(name + ".crt")))
				.isEqualTo(before.get(this.directory.resolve(name + ".crt")));
		}
		X509Certificate ca = leaf("ca");
		leaf("beta").verify(ca.getPublicKey());
		assertThat(DemoCertificates.dnsNames(leaf("beta"))).containsExactly("beta.localhost");
	}

	@Test
	void expiringFilesAreRegenerated() throws Exception {
		certificatesAt(NOW).ensure();
		Map<Path, String> before = contents();
		DemoCertificates.Report report = certificatesAt(NOW.plus(Duration.ofDays(365))).ensure();
		assertThat(report.created()).containsExactlyElementsOf(ALL);
		assertThat(contents()).allSatisfy((path, content) -> assertThat(content).isNotEqualTo(before.get(path)));
	}

	@Test
	void unreadableKeyIsRegenerated() throws Exception {
		certificatesAt(NOW).ensure();
		Files.writeString(this.directory.resolve("alpha.key"), "not a key");
		DemoCertificates.Report report = certificatesAt(NOW).ensure();
		assertThat(report.created()).containsExactly("alpha");
	}

	@Test
	void keysAreReadableByTheOwnerOnly() throws Exception {
		certificatesAt(NOW).ensure();
		PosixFileAttributeView posix = Files.getFileAttributeView(this.directory.resolve("alpha.key"),
				PosixFileAttributeView.class);
		if (posix != null) {
			assertThat(posix.readAttributes().permissions()).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
					PosixFilePermission.OWNER_WRITE);
		}
	}

	private DemoCertificates certificatesAt(Instant instant) {
		return new DemoCertificates(this.directory, Clock.fixed(instant, ZoneOffset.UTC));
	}

	private X509Certificate leaf(String name) throws Exception {
		return PemFiles.readCertificates(this.directory.resolve(name + ".crt")).get(0);
	}

	private Map<Path, String> contents() throws Exception {
		Map<Path, String> contents = new HashMap<>();
		for (String name : ALL) {
			for (String extension : List.of(".crt", ".key")) {
				Path file = this.directory.resolve(name + extension);
				contents.put(file, Files.readString(file));
			}
		}
		return contents;
	}

}
