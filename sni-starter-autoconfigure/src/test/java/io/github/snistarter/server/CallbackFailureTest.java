package io.github.snistarter.server;

import java.nio.file.Path;

import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A callback that throws (SPEC C7, case K7): the client gets handshake_failure, never
 * the default certificate, and the log gets one line, not one per handshake.
 */
@ExtendWith(OutputCaptureExtension.class)
class CallbackFailureTest {

	@TempDir
	Path directory;

	SniServer server;

	IssuedCertificate fallback = TestCa.shared().issue("default.test");

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void k7ThrowingCallbackGives40AndOneWarnLineNamingTheServerName(CapturedOutput output) {
		this.server = start("1h");
		for (TlsVersion version : TlsVersion.values()) {
			HandshakeResult result = TlsClient.trustAll().handshake(this.server.port(), "boom.test", version);
			assertThat(result.outcome()).isEqualTo(HandshakeResult.Outcome.ALERT);
			assertThat(result.alert()).isEqualTo(TlsAlert.HANDSHAKE_FAILURE);
		}
		assertThat(warnLines(output)).hasSize(1);
		assertThat(warnLines(output)[0]).contains("boom.test").contains("handshake_failure");
		assertThat(output.getOut()).contains("java.lang.IllegalStateException: boom");
	}

	@Test
	void floodOfFailuresIsLoggedOncePerIntervalWithACountOfTheRest(CapturedOutput output) throws Exception {
		this.server = start("1s");
		for (int i = 0; i < 30; i++) {
			TlsClient.trustAll().handshake(this.server.port(), "boom.test", TlsVersion.TLS13);
		}
		assertThat(warnLines(output)).hasSizeLessThanOrEqualTo(2);
		Thread.sleep(1100);
		TlsClient.trustAll().handshake(this.server.port(), "boom.test", TlsVersion.TLS13);
		String[] lines = warnLines(output);
		assertThat(lines[lines.length - 1]).containsPattern("\\(\\d+ similar messages suppressed\\)");
		assertThat(output.getOut().split("java.lang.IllegalStateException: boom", -1).length - 1)
			.as("stack traces").isEqualTo(lines.length);
	}

	private SniServer start(String interval) {
		return SniServer.builder(this.directory)
			.bundle("fallback", this.fallback)
			.serverBundle("fallback")
			.property("sni.failure-log-interval", interval)
			.with(ThrowingCallbackConfiguration.class)
			.start();
	}

	private static String[] warnLines(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains(" WARN ") && line.contains("callback failed"))
			.toArray(String[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	static class ThrowingCallbackConfiguration {

		@Bean
		ServerNameCallback throwingCallback() {
			return (ClientHello hello) -> {
				if ("boom.test".equals(hello.serverName())) {
					throw new IllegalStateException("boom");
				}
				return SniDecision.useDefault();
			};
		}

	}

}
