package io.github.snistarter.server;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.testkit.HttpsResponse;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sni} Actuator endpoint over HTTP in a real application: it lists what was
 * registered without any key material, and {@code /actuator/sni/{name}} names the rule a
 * handshake for that name follows.
 */
class SniEndpointTest {

	@TempDir
	static Path directory;

	static IssuedCertificate api;

	static IssuedCertificate shop;

	static IssuedCertificate books;

	static IssuedCertificate fallback;

	static SniServer rejecting;

	static SniServer defaulting;

	@BeforeAll
	static void start() {
		TestCa ca = TestCa.shared();
		api = ca.issue("api.test");
		shop = ca.issue("*.shop.test");
		books = ca.issue("xn--bcher-kva.test");
		fallback = ca.issue("default.test");
		rejecting = server(directory.resolve("reject")).rejectUnknownNames().start();
		defaulting = server(directory.resolve("default")).start();
	}

	private static SniServer.Builder server(Path dir) {
		dir.toFile().mkdirs();
		return SniServer.builder(dir)
			.bundle("api", api)
			.bundle("shop", shop)
			.bundle("books", books)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.serve("*.shop.test", "shop")
			.serve("xn--bcher-kva.test", "books")
			.property("management.endpoints.web.exposure.include", "sni,health,metrics");
	}

	@AfterAll
	static void stop() {
		rejecting.close();
		defaulting.close();
	}

	@Test
	void listsEveryRegisteredCertificateWithItsDetails() {
		DocumentContext json = get(rejecting, "/actuator/sni");
		assertThat(json.<String>read("$.callback")).isEqualTo("store");
		assertThat(json.<String>read("$.unknownName")).isEqualTo("reject");
		List<Map<String, Object>> certificates = json.read("$.certificates");
		assertThat(certificates).extracting((c) -> c.get("id")).containsExactlyInAnyOrder("api", "shop", "books");
		Map<String, Object> listed = json.<List<Map<String, Object>>>read("$.certificates[?(@.id == 'api')]").get(0);
		assertThat(listed).containsEntry("source", "bundles")
			.containsEntry("status", "SERVING")
			.containsEntry("names", List.of("api.test"))
			.containsEntry("subject", api.certificate().getSubjectX500Principal().getName())
			.containsEntry("issuer", api.certificate().getIssuerX500Principal().getName())
			.containsEntry("serialNumber", api.serial().toString(16))
			.containsEntry("sha256Fingerprint", sha256(api))
			.containsEntry("keyAlgorithm", "EC");
		assertThat((String) listed.get("notAfter")).startsWith(api.certificate().getNotAfter().toInstant().toString()
			.substring(0, 16));
		// The server's own bundle (server.ssl) serves clients without SNI.
		assertThat(json.<String>read("$.defaultCertificate.serialNumber")).isEqualTo(fallback.serial().toString(16));
		assertThat(json.<String>read("$.defaultCertificate.source")).isEqualTo("server");
		assertThat(json.<String>read("$.defaultCertificate.status")).isEqualTo("SERVING");
	}

	@Test
	void neverShowsKeyMaterial() {
		String body = getBody(rejecting, "/actuator/sni");
		assertThat(body).doesNotContain("PRIVATE KEY").doesNotContainIgnoringCase("privateKey");
		for (IssuedCertificate certificate : List.of(api, shop, books, fallback)) {
			byte[] key = certificate.privateKey().getEncoded();
			assertThat(body).doesNotContain(Base64.getEncoder().encodeToString(key).substring(0, 40))
				.doesNotContainIgnoringCase(HexFormat.of().formatHex(key).substring(0, 40));
		}
	}

	@Test
	void exactNameGetsItsCertificateByTheExactRule() {
		DocumentContext json = get(rejecting, "/actuator/sni/API.test");
		assertThat(json.<String>read("$.serverName")).isEqualTo("api.test");
		assertThat(json.<String>read("$.rule")).isEqualTo("EXACT");
		assertThat(json.<String>read("$.certificate.serialNumber")).isEqualTo(api.serial().toString(16));
		assertThat(json.<Map<String, Object>>read("$")).doesNotContainKey("alert");
	}

	@Test
	void nameUnderAWildcardGetsItByTheWildcardRule() {
		DocumentContext json = get(rejecting, "/actuator/sni/www.shop.test");
		assertThat(json.<String>read("$.rule")).isEqualTo("WILDCARD");
		assertThat(json.<String>read("$.certificate.serialNumber")).isEqualTo(shop.serial().toString(16));
		assertThat(json.<String>read("$.reason")).contains("*.shop.test");
	}

	@Test
	void wildcardDoesNotCoverTwoLabels() {
		assertThat(get(rejecting, "/actuator/sni/a.b.shop.test").<String>read("$.rule")).isEqualTo("REJECTED");
	}

	@Test
	void unknownNameIsRejectedWithUnrecognizedNameUnderRejectPolicy() {
		DocumentContext json = get(rejecting, "/actuator/sni/unknown.test");
		assertThat(json.<String>read("$.rule")).isEqualTo("REJECTED");
		assertThat(json.<String>read("$.alert")).isEqualTo("unrecognized_name");
		assertThat(json.<Map<String, Object>>read("$")).doesNotContainKey("certificate");
		assertThat(json.<String>read("$.unknownName")).isEqualTo("reject");
	}

	@Test
	void unknownNameGetsTheDefaultUnderDefaultPolicy() {
		DocumentContext json = get(defaulting, "/actuator/sni/unknown.test");
		assertThat(json.<String>read("$.rule")).isEqualTo("DEFAULT");
		assertThat(json.<String>read("$.certificate.serialNumber")).isEqualTo(fallback.serial().toString(16));
		assertThat(json.<String>read("$.unknownName")).isEqualTo("default");
	}

	@Test
	void ipAddressStandsForNoSniAndGetsTheDefault() {
		DocumentContext json = get(rejecting, "/actuator/sni/127.0.0.1");
		assertThat(json.<Map<String, Object>>read("$")).doesNotContainKey("serverName");
		assertThat(json.<String>read("$.rule")).isEqualTo("DEFAULT");
		assertThat(json.<String>read("$.certificate.serialNumber")).isEqualTo(fallback.serial().toString(16));
	}

	@Test
	void unicodeNameIsLookedUpByItsALabel() {
		DocumentContext json = get(rejecting, "/actuator/sni/B%C3%BCcher.test");
		assertThat(json.<String>read("$.serverName")).isEqualTo("xn--bcher-kva.test");
		assertThat(json.<String>read("$.unicodeServerName")).isEqualTo("bücher.test");
		assertThat(json.<String>read("$.rule")).isEqualTo("EXACT");
		assertThat(json.<String>read("$.certificate.serialNumber")).isEqualTo(books.serial().toString(16));
	}

	@Test
	void malformedNamesAreRefusedWithTheHandshakesAlert() {
		assertThat(get(rejecting, "/actuator/sni/a..test").<String>read("$.alert")).isEqualTo("illegal_parameter");
		assertThat(get(rejecting, "/actuator/sni/xn--zz--.test").<String>read("$.alert")).isEqualTo("internal_error");
		DocumentContext json = get(rejecting, "/actuator/sni/a.test.");
		assertThat(json.<String>read("$.rule")).isEqualTo("REJECTED");
		assertThat(json.<String>read("$.alert")).isEqualTo("illegal_parameter");
	}

	@Test
	void customCallbackIsStated() {
		Path dir = directory.resolve("custom");
		dir.toFile().mkdirs();
		try (SniServer custom = server(dir).with(CustomCallbackConfiguration.class).start()) {
			DocumentContext json = get(custom, "/actuator/sni/api.test");
			assertThat(json.<String>read("$.callback")).isEqualTo("custom");
			assertThat(json.<String>read("$.note")).contains("custom callback");
			assertThat(json.<String>read("$.rule")).isEqualTo("EXACT");
			assertThat(get(custom, "/actuator/sni").<String>read("$.callback")).isEqualTo("custom");
		}
	}

	static DocumentContext get(SniServer server, String path) {
		return JsonPath.parse(getBody(server, path));
	}

	static String getBody(SniServer server, String path) {
		HttpsResponse response = TlsClient.trustAll().httpsGet(server.port(), "api.test", path, null);
		assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
		return response.body();
	}

	private static String sha256(IssuedCertificate certificate) {
		try {
			return HexFormat.of()
				.formatHex(java.security.MessageDigest.getInstance("SHA-256")
					.digest(certificate.certificate().getEncoded()));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomCallbackConfiguration {

		@Bean
		ServerNameCallback customCallback() {
			return (ClientHello hello) -> SniDecision.useDefault();
		}

	}

}
