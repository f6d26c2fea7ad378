package io.github.snistarter.benchmarks;

import java.nio.file.Path;
import java.util.Map;

import io.github.snistarter.benchmarks.BenchServer.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool produces a result against a real server variant: a few full handshakes,
 * none resumable, each served the certificate of its name. No timing is asserted; the
 * figures come from {@code java -jar benchmarks.jar table}.
 */
class HandshakeLoadSmokeTest {

	@TempDir
	Path data;

	@Test
	void loadToolMeasuresFullHandshakesAgainstTheStarter() throws Exception {
		BenchCertificates certificates = new BenchCertificates(this.data, BenchCertificates.KeyKind.EC).ensure(3);
		certificates.directory(3);
		Map<String, Object> properties = BenchServer.properties(Variant.DIRECTORY, 3, certificates);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchServer.BenchApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HandshakeLoad load = new HandshakeLoad(port, "TLSv1.3", 2, BenchCertificates::name, 3, true);
			HandshakeLoad.Result result = load.run(200, 800);
			assertThat(result.handshakes()).isPositive();
			assertThat(result.failures()).isZero();
			assertThat(result.resumable()).isZero();
			assertThat(result.wrongCertificate()).isZero();
			assertThat(result.p99Micros()).isGreaterThanOrEqualTo(result.p50Micros());
			assertThat(load.touchEach()).isZero();
		}
	}

}
