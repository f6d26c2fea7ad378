package io.github.snistarter.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.web.server.LocalManagementPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's management port: plain HTTP on loopback, with the {@code sni} endpoint,
 * its health and its metrics, as the printed instructions say.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS)
class ManagementPortTests {

	@TempDir
	static Path demoDirectory;

	@LocalManagementPort
	int managementPort;

	@BeforeAll
	static void useTemporaryDemoDirectory() {
		System.setProperty(DemoCertificates.DIRECTORY_PROPERTY, demoDirectory.toString());
	}

	@AfterAll
	static void clearDemoDirectory() {
		System.clearProperty(DemoCertificates.DIRECTORY_PROPERTY);
	}

	@Test
	void sniEndpointListsTheDemoCertificatesOverPlainHttp() throws Exception {
		String body = get("/actuator/sni");
		assertThat(body).contains("\"id\":\"alpha\"", "\"id\":\"beta\"", "\"id\":\"tenants\"")
			.contains("\"names\":[\"*.tenants.localhost\"]")
			.doesNotContain("PRIVATE KEY");
	}

	@Test
	void sniEndpointAnswersWhichCertificateANameGets() throws Exception {
		assertThat(get("/actuator/sni/x.tenants.localhost")).contains("\"rule\":\"WILDCARD\"");
		assertThat(get("/actuator/sni/unknown.localhost")).contains("\"rule\":\"DEFAULT\"");
	}

	@Test
	void healthAndMetricsAreExposed() throws Exception {
		assertThat(get("/actuator/health/sni")).contains("\"status\":\"UP\"", "defaultCertificate");
		assertThat(get("/actuator/metrics/sni.handshakes")).contains("\"name\":\"sni.handshakes\"");
	}

	@Test
	void instructionsShowTheManagementCommands() {
		String banner = new TryItBanner(new org.springframework.mock.env.MockEnvironment()).renderManagement(8444);
		assertThat(banner).contains("curl http://127.0.0.1:8444/actuator/sni\n")
			.contains("/actuator/sni/x.tenants.localhost")
			.contains("/actuator/health/sni")
			.contains("/actuator/metrics/sni.handshakes");
	}

	private String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
