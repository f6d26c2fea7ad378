package io.github.snistarter.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.snistarter.metrics.CertificateMeters;
import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.RuntimeCertificates;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint, health and metrics over every kind of source: a directory of PEM files
 * (with a file it rejects) and certificates registered at runtime, next to the bundles.
 */
class OperatingStoreSourcesTest {

	@TempDir
	Path directory;

	TestCa ca = TestCa.shared();

	IssuedCertificate fallback = this.ca.issue("default.test");

	IssuedCertificate shop = this.ca.issue("shop.test");

	IssuedCertificate broken = this.ca.issue("broken.test");

	SniServer server;

	Path certificates;

	@BeforeEach
	void start() throws IOException {
		this.certificates = Files.createDirectories(this.directory.resolve("certificates"));
		Files.writeString(this.certificates.resolve("shop.pem"), this.shop.chainPem() + this.shop.privateKeyPem());
		// Another certificate's key: the directory source refuses the file.
		Files.writeString(this.certificates.resolve("broken.pem"),
				this.broken.chainPem() + this.shop.privateKeyPem());
		this.server = SniServer.builder(this.directory)
			.bundle("fallback", this.fallback)
			.serverBundle("fallback")
			.rejectUnknownNames()
			.property("sni.directory.path", this.certificates.toString())
			.property("management.endpoints.web.exposure.include", "sni,health,metrics")
			.property("management.endpoint.health.show-details", "always")
			.start();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void endpointListsEverySourceWithItsIds() {
		CertificateInfo registered = register(this.ca.issue("runtime.test"));
		DocumentContext json = get("/actuator/sni");
		String directorySource = "directory " + this.certificates;
		assertThat(json.<List<String>>read("$.store.sources")).contains("runtime", directorySource, "bundles");
		Map<String, Object> fromDirectory = single(json, "$.certificates[?(@.names[0] == 'shop.test')]");
		assertThat(fromDirectory).containsEntry("source", directorySource)
			.containsEntry("status", "SERVING")
			.containsEntry("serialNumber", this.shop.serial().toString(16));
		assertThat((String) fromDirectory.get("id")).contains("shop.pem");
		Map<String, Object> rejected = single(json, "$.certificates[?(@.status == 'REJECTED')]");
		assertThat(rejected).containsEntry("source", directorySource);
		assertThat((String) rejected.get("id")).contains("broken.pem");
		assertThat((String) rejected.get("reason")).contains("private key does not match");
		Map<String, Object> runtime = single(json, "$.certificates[?(@.source == 'runtime')]");
		assertThat(runtime).containsEntry("id", registered.id()).containsEntry("names", List.of("runtime.test"));
		assertThat(getBody("/actuator/sni")).doesNotContain("PRIVATE KEY");
	}

	@Test
	void nameAnswerNamesTheSourceThatServesIt() {
		register(this.ca.issue("runtime.test"));
		assertThat(get("/actuator/sni/runtime.test").<String>read("$.certificate.source")).isEqualTo("runtime");
		DocumentContext shop = get("/actuator/sni/shop.test");
		assertThat(shop.<String>read("$.rule")).isEqualTo("EXACT");
		assertThat(shop.<String>read("$.certificate.source")).startsWith("directory ");
		// The rejected file serves nothing.
		assertThat(get("/actuator/sni/broken.test").<String>read("$.rule")).isEqualTo("REJECTED");
	}

	@Test
	void healthListsRejectedAndExpiringCertificatesFromEverySource() {
		IssuedCertificate soon = this.ca.leaf("soon.test")
			.validity(Instant.now().minus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(3)))
			.issue();
		register(soon);
		DocumentContext json = get("/actuator/health/sni");
		assertThat(json.<String>read("$.status")).isEqualTo("UP");
		assertThat(json.<List<String>>read("$.details.rejectedCertificates[*].id"))
			.singleElement()
			.asString()
			.contains("broken.pem");
		assertThat(json.<List<String>>read("$.details.expiringCertificates[*].source")).containsExactly("runtime");
	}

	@Test
	void certificateMetersFollowRegistrationsAndRemovals() {
		MeterRegistry registry = this.server.bean(MeterRegistry.class);
		CertificateMeters meters = this.server.bean(CertificateMeters.class);
		CertificateInfo registered = register(this.ca.issue("runtime.test"));
		meters.refresh();
		assertThat(registry.get("sni.certificates").tag("status", "rejected").gauge().value()).isEqualTo(1.0);
		assertThat(registry.find("sni.certificate.expiry").tag("source", "runtime").timeGauges()).hasSize(1);
		this.server.bean(RuntimeCertificates.class).remove(registered.id());
		meters.refresh();
		assertThat(registry.find("sni.certificate.expiry").tag("source", "runtime").timeGauges()).isEmpty();
	}

	private CertificateInfo register(IssuedCertificate certificate) {
		return this.server.bean(RuntimeCertificates.class)
			.register(certificate.chainPem(), certificate.privateKeyPem());
	}

	private static Map<String, Object> single(DocumentContext json, String path) {
		List<Map<String, Object>> found = json.read(path);
		assertThat(found).as(path).hasSize(1);
		return found.get(0);
	}

	private DocumentContext get(String path) {
		return JsonPath.parse(getBody(path));
	}

	private String getBody(String path) {
		// Any name the server knows will do for the connection; shop.test comes from the directory.
		return TlsClient.trustAll().httpsGet(this.server.port(), "shop.test", path, null).body();
	}

}
