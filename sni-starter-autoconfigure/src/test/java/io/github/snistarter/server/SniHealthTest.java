package io.github.snistarter.server;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.snistarter.testkit.HttpsResponse;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sni} health contributor over HTTP in a real application: up with the
 * default certificate's details, certificates inside the expiry window listed, the
 * status following the default certificate, the way Spring Boot's SSL health does.
 */
class SniHealthTest {

	@TempDir
	Path directory;

	SniServer server;

	TestCa ca = TestCa.shared();

	IssuedCertificate api = this.ca.issue("api.test");

	IssuedCertificate fallback = this.ca.issue("default.test");

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private SniServer.Builder server(IssuedCertificate defaultCertificate) {
		return SniServer.builder(this.directory)
			.bundle("api", this.api)
			.bundle("fallback", defaultCertificate)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.property("management.endpoints.web.exposure.include", "sni,health,metrics")
			.property("management.endpoint.health.show-details", "always");
	}

	@Test
	void upWithTheDefaultCertificateAndNothingExpiring() {
		this.server = server(this.fallback).start();
		HttpsResponse response = health();
		assertThat(response.status()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.<String>read("$.status")).isEqualTo("UP");
		assertThat(json.<String>read("$.details.defaultCertificate.status")).isEqualTo("SERVING");
		assertThat(json.<String>read("$.details.defaultCertificate.serialNumber"))
			.isEqualTo(this.fallback.serial().toString(16));
		assertThat(json.<List<?>>read("$.details.expiringCertificates")).isEmpty();
		assertThat(json.<List<?>>read("$.details.invalidCertificates")).isEmpty();
		assertThat(json.<List<?>>read("$.details.rejectedCertificates")).isEmpty();
	}

	@Test
	void certificateInsideTheExpiryWindowIsListedAsExpiring() {
		IssuedCertificate soon = this.ca.leaf("soon.test").validity(Instant.now().minus(Duration.ofDays(80)),
				Instant.now().plus(Duration.ofDays(5))).issue();
		this.server = server(this.fallback).bundle("soon", soon).serve("soon.test", "soon").start();
		DocumentContext json = JsonPath.parse(health().body());
		assertThat(json.<String>read("$.status")).isEqualTo("UP");
		List<Map<String, Object>> expiring = json.read("$.details.expiringCertificates");
		assertThat(expiring).singleElement()
			.satisfies((certificate) -> assertThat(certificate).containsEntry("id", "soon")
				.containsEntry("source", "bundles")
				.containsEntry("serialNumber", soon.serial().toString(16))
				.containsEntry("daysToExpiry", 4));
	}

	@Test
	void expiryWindowIsConfigurableInDays() {
		IssuedCertificate soon = this.ca.leaf("soon.test").validity(Instant.now().minus(Duration.ofDays(80)),
				Instant.now().plus(Duration.ofDays(5))).issue();
		this.server = server(this.fallback).bundle("soon", soon)
			.serve("soon.test", "soon")
			.property("sni.health.certificate-validity-warning-threshold", "3")
			.start();
		assertThat(JsonPath.parse(health().body()).<List<?>>read("$.details.expiringCertificates")).isEmpty();
	}

	@Test
	void expiredCertificateOtherThanTheDefaultIsListedButKeepsTheServerUp() {
		IssuedCertificate old = this.ca.leaf("old.test").expired().issue();
		this.server = server(this.fallback).bundle("old", old).serve("old.test", "old").start();
		HttpsResponse response = health();
		assertThat(response.status()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.<String>read("$.status")).isEqualTo("UP");
		assertThat(json.<List<Map<String, Object>>>read("$.details.invalidCertificates")).singleElement()
			.satisfies((certificate) -> assertThat(certificate).containsEntry("id", "old")
				.containsEntry("status", "EXPIRED"));
	}

	@Test
	void expiredDefaultCertificateTakesTheServerOutOfService() {
		this.server = server(this.ca.leaf("default.test").expired().issue()).start();
		HttpsResponse response = health();
		assertThat(response.status()).isEqualTo(503);
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.<String>read("$.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat(json.<String>read("$.details.defaultCertificate.status")).isEqualTo("EXPIRED");
	}

	@Test
	void aggregateHealthIncludesSni() {
		this.server = server(this.fallback).start();
		HttpsResponse response = TlsClient.trustAll().httpsGet(this.server.port(), "api.test", "/actuator/health",
				null);
		assertThat(JsonPath.parse(response.body()).<String>read("$.components.sni.status")).isEqualTo("UP");
	}

	private HttpsResponse health() {
		return TlsClient.trustAll().httpsGet(this.server.port(), "api.test", "/actuator/health/sni", null);
	}

}
