package io.github.snistarter.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.store.RuntimeCertificates;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rotation under load (SPEC T5, T6): while many clients handshake for one name, its
 * certificate is replaced again and again, through reloadable bundle files and through
 * the runtime API; no handshake fails, every served certificate is the old or the new
 * one, and the key always matches the certificate.
 */
class RotationUnderLoadTest {

	private static final String NAME = "api.test";

	@TempDir
	Path directory;

	@Test
	void rotatingReloadableBundleFilesUnderLoadNeverBreaksAHandshake() throws Exception {
		TestCa ca = TestCa.shared();
		List<IssuedCertificate> versions = versions(ca);
		try (SniServer server = SniServer.builder(this.directory)
			.bundle("api", versions.get(0))
			.bundle("fallback", ca.issue("default.test"))
			.serverBundle("fallback")
			.serve(NAME, "api")
			.rejectUnknownNames()
			.property("spring.ssl.bundle.pem.api.reload-on-update", "true")
			.property("spring.ssl.bundle.watch.file.quiet-period", "100ms")
			.start()) {
			// The files are rewritten in place, certificate first, key second: the watcher
			// may see a certificate with the previous key, which must be refused, never served.
			RotationLoad.Result result = new RotationLoad(ca).run(server.port(), NAME, versions,
					ReliabilitySuite.rotationClients(), RotationLoad.Applied.WHEN_SERVED,
					(index, version) -> version.writePem(this.directory, "api"));
			report("bundle files", result, versions.size() - 1);
			assertThat(result.failures()).as("failed handshakes and wrong certificates").isEmpty();
			assertThat(result.handshakes()).as("handshakes during the rotations").isGreaterThan(versions.size());
		}
	}

	@Test
	void replacingARuntimeRegistrationUnderLoadNeverBreaksAHandshake() throws Exception {
		TestCa ca = TestCa.shared();
		List<IssuedCertificate> versions = versions(ca);
		try (SniServer server = SniServer.builder(this.directory)
			.bundle("fallback", ca.issue("default.test"))
			.serverBundle("fallback")
			.rejectUnknownNames()
			.start()) {
			RuntimeCertificates certificates = server.bean(RuntimeCertificates.class);
			String id = certificates.register(versions.get(0).chainPem(), versions.get(0).privateKeyPem()).id();
			RotationLoad.Result result = new RotationLoad(ca).run(server.port(), NAME, versions,
					ReliabilitySuite.rotationClients(), RotationLoad.Applied.ON_RETURN,
					(index, version) -> certificates.replace(id, version.chainPem(), version.privateKeyPem()));
			report("runtime API", result, versions.size() - 1);
			assertThat(result.failures()).as("failed handshakes and wrong certificates").isEmpty();
			assertThat(result.handshakes()).as("handshakes during the rotations").isGreaterThan(versions.size());
		}
	}

	static List<IssuedCertificate> versions(TestCa ca) {
		List<IssuedCertificate> versions = new ArrayList<>();
		for (int i = 0; i <= ReliabilitySuite.rotations(); i++) {
			versions.add(ca.issue(NAME));
		}
		return versions;
	}

	static void report(String how, RotationLoad.Result result, int rotations) {
		ReliabilitySuite.report("rotation",
				String.format("%s: %d clients, %d rotations, %d handshakes in %d s (%.0f/s), %d failed;"
						+ " handshakes per version %s", how, ReliabilitySuite.rotationClients(), rotations,
						result.handshakes(), result.took().toSeconds(),
						result.handshakes() / Math.max(0.001, result.took().toMillis() / 1000.0),
						result.failures().size(), Arrays.toString(result.servedPerVersion())));
		result.failures().stream().limit(20).forEach((failure) -> ReliabilitySuite.report("rotation", "  " + failure));
	}

}
