package io.github.snistarter.server;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import io.github.snistarter.actuate.jdbc.SniDatabaseHealthIndicator;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.jdbc.JdbcCertificateSource;
import io.github.snistarter.store.jdbc.JdbcCertificates;
import io.github.snistarter.store.jdbc.JdbcSourceState;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.PostgresServer;
import io.github.snistarter.testkit.TcpProxy;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances, A and B, share one PostgreSQL database as their certificate
 * store (issue 4): what one replica writes, the other serves within 2 seconds; while the
 * database is away, cached names keep serving and others fail fast; changes made while a
 * replica was cut off arrive when it reconnects. B reaches the database through a relay
 * that can cut its link alone. A also has the privileged {@code sniadmin} endpoint on.
 */
class FleetTest {

	/** The issue's bound for a change to be served by every replica. */
	static final Duration PROPAGATION = Duration.ofSeconds(2);

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@TempDir
	static Path directory;

	static TcpProxy linkOfB;

	static SniServer a;

	static SniServer b;

	static JdbcTemplate sql;

	private final TestCa ca = TestCa.shared();

	@BeforeAll
	static void startReplicas() {
		String url = postgres.createDatabase();
		linkOfB = new TcpProxy(postgres.port());
		String masterKey = randomMasterKey();
		IssuedCertificate fallback = TestCa.shared().issue("default.fleet.test");
		a = replica(directory.resolve("a"), url, masterKey, fallback).property("sni.jdbc.create-schema", true)
			.property("sni.jdbc.admin-endpoint.enabled", true)
			.property("management.endpoints.web.exposure.include", "sniadmin")
			.start();
		b = replica(directory.resolve("b"), url.replace(":" + postgres.port() + "/", ":" + linkOfB.port() + "/"),
				masterKey, fallback)
			.start();
		sql = new JdbcTemplate(new DriverManagerDataSource(url));
	}

	/** A replica as an application would configure it: its DataSource, the store on, the fleet's master key. */
	static SniServer.Builder replica(Path directory, String url, String masterKey, IssuedCertificate fallback) {
		directory.toFile().mkdirs();
		return SniServer.builder(directory)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.rejectUnknownNames()
			.dataSource(url)
			.property("sni.jdbc.enabled", true)
			.property("sni.jdbc.encryption.keys.fleet.value", masterKey)
			.property("sni.jdbc.reconnect-max-delay", "1s");
	}

	static String randomMasterKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	@AfterEach
	void databaseBack() {
		postgres.start();
		linkOfB.restore();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> status(a) == JdbcSourceState.Status.UP && status(b) == JdbcSourceState.Status.UP);
	}

	@AfterAll
	static void stopReplicas() {
		if (b != null) {
			b.close();
		}
		if (a != null) {
			a.close();
		}
		linkOfB.close();
	}

	@Test
	void aCertificateAddedOnAIsServedByBWithinTwoSeconds() {
		IssuedCertificate added = this.ca.issue("added.fleet.test");
		assertThat(handshake(b, "added.fleet.test").alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		admin(a).add("added", added.chainPem(), added.privateKeyPem());
		awaitServed(b, "added.fleet.test", added.serial());
	}

	@Test
	void aRotationIsServedByBothReplicasWithinTwoSeconds() {
		IssuedCertificate first = this.ca.issue("rotated.fleet.test");
		admin(a).add("rotated", first.chainPem(), first.privateKeyPem());
		awaitServed(a, "rotated.fleet.test", first.serial());
		awaitServed(b, "rotated.fleet.test", first.serial());

		IssuedCertificate renewed = this.ca.issue("rotated.fleet.test");
		admin(b).rotate("rotated", renewed.chainPem(), renewed.privateKeyPem());
		awaitServed(a, "rotated.fleet.test", renewed.serial());
		awaitServed(b, "rotated.fleet.test", renewed.serial());
	}

	@Test
	void aRemovalOrAChangeWrittenWithSqlReachesBothReplicas() {
		IssuedCertificate certificate = this.ca.issue("sql.fleet.test", "other.fleet.test");
		admin(a).add("sql", certificate.chainPem(), certificate.privateKeyPem());
		awaitServed(b, "other.fleet.test", certificate.serial());

		sql.update("UPDATE sni_certificate SET names = ARRAY['sql.fleet.test'] WHERE id = 'sql'");
		awaitAlert(a, "other.fleet.test", TlsAlert.UNRECOGNIZED_NAME);
		awaitAlert(b, "other.fleet.test", TlsAlert.UNRECOGNIZED_NAME);
		assertThat(handshake(b, "sql.fleet.test").leafCertificate().getSerialNumber()).isEqualTo(certificate.serial());

		sql.update("DELETE FROM sni_certificate WHERE id = 'sql'");
		awaitAlert(a, "sql.fleet.test", TlsAlert.UNRECOGNIZED_NAME);
		awaitAlert(b, "sql.fleet.test", TlsAlert.UNRECOGNIZED_NAME);
	}

	@Test
	void whileTheDatabaseIsStoppedCachedNamesServeAndOthersFailWithinTheDeadline() {
		IssuedCertificate cached = this.ca.issue("cached.fleet.test");
		IssuedCertificate cold = this.ca.issue("cold.fleet.test");
		admin(a).add("cached", cached.chainPem(), cached.privateKeyPem());
		admin(a).add("cold", cold.chainPem(), cold.privateKeyPem());
		awaitServed(a, "cached.fleet.test", cached.serial());
		awaitServed(b, "cached.fleet.test", cached.serial());
		await().atMost(PROPAGATION).until(() -> b.bean(CertificateStore.class)
			.find("cold.fleet.test") != null);

		postgres.stop();
		await().atMost(PROPAGATION)
			.until(() -> status(a) == JdbcSourceState.Status.DOWN && status(b) == JdbcSourceState.Status.DOWN);

		for (SniServer replica : List.of(a, b)) {
			HandshakeResult served = handshake(replica, "cached.fleet.test");
			assertThat(served.isSuccess()).isTrue();
			assertThat(served.leafCertificate().getSerialNumber()).isEqualTo(cached.serial());
		}
		HandshakeResult failed = handshake(b, "cold.fleet.test");
		assertThat(failed.alert()).isEqualTo(TlsAlert.INTERNAL_ERROR);
		assertThat(failed.elapsed()).isLessThan(storeTimeout());
		assertThat(handshake(b, "unknown.fleet.test").alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		Health duringOutage = b.bean(SniDatabaseHealthIndicator.class).health();
		assertThat(duringOutage.getStatus()).as("cached names still serve").isEqualTo(Status.UP);
		assertThat(duringOutage.getDetails()).containsEntry("database", "DOWN").containsKey("downSince");

		postgres.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> status(b) == JdbcSourceState.Status.UP);
		awaitServed(b, "cold.fleet.test", cold.serial());
		assertThat(b.bean(SniDatabaseHealthIndicator.class).health().getDetails()).containsEntry("database", "UP")
			.doesNotContainKey("downSince");
	}

	@Test
	void changesMadeWhileAReplicaWasCutOffArriveWhenItReconnects() {
		IssuedCertificate kept = this.ca.issue("kept.fleet.test");
		IssuedCertificate rotating = this.ca.issue("renewed.fleet.test");
		IssuedCertificate leaving = this.ca.issue("leaving.fleet.test");
		admin(a).add("kept", kept.chainPem(), kept.privateKeyPem());
		admin(a).add("renewed", rotating.chainPem(), rotating.privateKeyPem());
		admin(a).add("leaving", leaving.chainPem(), leaving.privateKeyPem());
		awaitServed(b, "kept.fleet.test", kept.serial());
		awaitServed(b, "renewed.fleet.test", rotating.serial());
		awaitServed(b, "leaving.fleet.test", leaving.serial());

		linkOfB.cut();
		await().atMost(PROPAGATION).until(() -> status(b) == JdbcSourceState.Status.DOWN);
		IssuedCertificate arriving = this.ca.issue("arriving.fleet.test");
		IssuedCertificate renewed = this.ca.issue("renewed.fleet.test");
		admin(a).add("arriving", arriving.chainPem(), arriving.privateKeyPem());
		admin(a).rotate("renewed", renewed.chainPem(), renewed.privateKeyPem());
		admin(a).remove("leaving");
		awaitServed(a, "arriving.fleet.test", arriving.serial());
		assertThat(handshake(b, "arriving.fleet.test").alert()).isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
		assertThat(handshake(b, "kept.fleet.test").leafCertificate().getSerialNumber()).isEqualTo(kept.serial());

		linkOfB.restore();
		await().atMost(Duration.ofSeconds(10)).until(() -> status(b) == JdbcSourceState.Status.UP);
		awaitServed(b, "arriving.fleet.test", arriving.serial());
		awaitServed(b, "renewed.fleet.test", renewed.serial());
		awaitAlert(b, "leaving.fleet.test", TlsAlert.UNRECOGNIZED_NAME);
	}

	@Test
	void keysInTheTableAreNotPlaintext() {
		IssuedCertificate secret = this.ca.issue("secret.fleet.test");
		admin(a).add("secret", secret.chainPem(), secret.privateKeyPem());
		byte[] stored = sql.queryForObject("SELECT key_ciphertext FROM sni_certificate WHERE id = 'secret'",
				byte[].class);
		byte[] pkcs8 = secret.privateKey().getEncoded();
		// The last 32 bytes of an EC P-256 PKCS#8 key are the secret scalar.
		assertThat(HexFormat.of().formatHex(stored))
			.doesNotContain(HexFormat.of().formatHex(pkcs8, pkcs8.length - 32, pkcs8.length));
		assertThat(stored).hasSize(1 + 12 + pkcs8.length + 16);
		assertThat(sql.queryForObject("SELECT key_id FROM sni_certificate WHERE id = 'secret'", String.class))
			.isEqualTo("fleet");
	}

	@Test
	void theAdminEndpointOnAWritesWhatBServes() throws Exception {
		IssuedCertificate first = this.ca.issue("endpoint.fleet.test");
		HttpResponse<String> added = adminPut("endpoint", first.chainPem(), first.privateKeyPem());
		assertThat(added.statusCode()).isEqualTo(200);
		assertThat(added.body()).contains("\"serialNumber\":\"" + first.serial().toString(16) + "\"")
			.doesNotContain("PRIVATE KEY");
		awaitServed(b, "endpoint.fleet.test", first.serial());

		IssuedCertificate renewed = this.ca.issue("endpoint.fleet.test");
		assertThat(adminPut("endpoint", renewed.chainPem(), renewed.privateKeyPem()).statusCode()).isEqualTo(200);
		awaitServed(b, "endpoint.fleet.test", renewed.serial());

		HttpResponse<String> reencrypted = adminSend(HttpRequest.newBuilder(adminUri(""))
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(reencrypted.body()).contains("\"reencrypted\":0");

		HttpResponse<String> removed = adminSend(HttpRequest.newBuilder(adminUri("/endpoint")).DELETE());
		assertThat(removed.body()).contains("\"removed\":true");
		awaitAlert(b, "endpoint.fleet.test", TlsAlert.UNRECOGNIZED_NAME);
	}

	@Test
	void theAdminEndpointRefusesBadMaterialWithAReasonAndNoKeyBytes() throws Exception {
		IssuedCertificate certificate = this.ca.issue("mismatch.fleet.test");
		IssuedCertificate other = this.ca.issue("other-key.fleet.test");
		HttpResponse<String> refused = adminPut("mismatch", certificate.chainPem(), other.privateKeyPem());
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).doesNotContain(other.privateKeyPem().lines().skip(1).findFirst().orElseThrow());
	}

	private static HttpResponse<String> adminPut(String id, String chainPem, String keyPem) throws Exception {
		String body = "{\"certificateChain\":" + json(chainPem) + ",\"privateKey\":" + json(keyPem) + "}";
		return adminSend(HttpRequest.newBuilder(adminUri("/" + id))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private static HttpResponse<String> adminSend(HttpRequest.Builder request) throws Exception {
		HttpClient http = HttpClient.newBuilder().sslContext(TlsClient.trustAll().sslContext()).build();
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI adminUri(String path) {
		return URI.create("https://127.0.0.1:" + a.port() + "/actuator/sniadmin" + path);
	}

	private static String json(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "")
				+ "\"";
	}

	static void awaitServed(SniServer replica, String name, BigInteger serial) {
		await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(20)).until(() -> {
			HandshakeResult result = handshake(replica, name);
			return result.isSuccess() && result.leafCertificate().getSerialNumber().equals(serial);
		});
	}

	static void awaitAlert(SniServer replica, String name, TlsAlert alert) {
		await().atMost(PROPAGATION)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> alert.equals(handshake(replica, name).alert()));
	}

	static HandshakeResult handshake(SniServer replica, String name) {
		// A new client each time: no session to resume, always the certificate served now.
		return TlsClient.trustAll().handshake(replica.port(), name, TlsVersion.TLS13);
	}

	static JdbcCertificates admin(SniServer replica) {
		return replica.bean(JdbcCertificates.class);
	}

	static JdbcSourceState.Status status(SniServer replica) {
		return replica.bean(JdbcCertificateSource.class).state().status();
	}

	private static Duration storeTimeout() {
		return a.context().getEnvironment().getProperty("sni.store-timeout", Duration.class, Duration.ofSeconds(2));
	}

}
