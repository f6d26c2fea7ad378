package io.github.snistarter.store.jdbc;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.InvalidCertificateException;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.PostgresServer;
import io.github.snistarter.testkit.TcpProxy;
import io.github.snistarter.testkit.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The database source against a real PostgreSQL server: what it publishes, how changes
 * by the admin API or by plain SQL reach it, how keys are kept, and what it does while
 * the database is away.
 */
class JdbcCertificateSourceTest {

	private static final Duration PROPAGATION = Duration.ofSeconds(2);

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	private final TestCa ca = TestCa.shared();

	private final CertificateContextFactory contexts = new CertificateContextFactory("TLS", null);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private TestDatabase database;

	private KeyEncryption encryption;

	private JdbcCertificates admin;

	@BeforeEach
	void createDatabase() {
		this.database = TestDatabase.create(postgres);
		this.encryption = KeyEncryption.builder().key("k1", KeyEncryptionTest.randomKey()).build();
		this.admin = new JdbcCertificates(this.database.dataSource(), this.encryption);
	}

	@AfterEach
	void close() throws Exception {
		postgres.start();
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.database.close();
	}

	@Test
	void publishesEveryRowWhenOpened() {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test", "*.shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		RecordingPublisher published = open(source());
		DatabaseCertificate certificate = published.get("shop");
		assertThat(certificate).isNotNull();
		assertThat(certificate.names()).containsExactly("shop.fleet.test", "*.shop.fleet.test");
		assertThat(certificate.notAfter()).isEqualTo(shop.certificate().getNotAfter().toInstant());
	}

	@Test
	void addRotateAndRemoveReachAnOpenSource() {
		RecordingPublisher published = open(source());
		IssuedCertificate first = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", first.chainPem(), first.privateKeyPem());
		await().atMost(PROPAGATION).until(() -> published.get("shop") != null);
		long firstVersion = published.get("shop").version();

		IssuedCertificate renewed = this.ca.issue("shop.fleet.test");
		CertificateInfo rotated = this.admin.rotate("shop", renewed.chainPem(), renewed.privateKeyPem());
		assertThat(rotated.serialNumber()).isEqualTo(renewed.serial().toString(16));
		await().atMost(PROPAGATION).until(() -> published.get("shop").version() > firstVersion);

		assertThat(this.admin.remove("shop")).isTrue();
		await().atMost(PROPAGATION).until(() -> published.get("shop") == null);
		assertThat(this.admin.remove("shop")).isFalse();
	}

	@Test
	void changesMadeWithPlainSqlArriveToo() {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test", "www.shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		IssuedCertificate blog = this.ca.issue("blog.fleet.test");
		this.admin.add("blog", blog.chainPem(), blog.privateKeyPem());
		RecordingPublisher published = open(source());
		JdbcTemplate sql = this.database.jdbc();

		sql.update("UPDATE sni_certificate SET names = ARRAY['www.shop.fleet.test'] WHERE id = 'shop'");
		await().atMost(PROPAGATION).until(() -> published.get("shop").names().equals(List.of("www.shop.fleet.test")));

		sql.update("DELETE FROM sni_certificate WHERE id = 'blog'");
		await().atMost(PROPAGATION).until(() -> published.get("blog") == null);

		sql.update("TRUNCATE sni_certificate");
		await().atMost(PROPAGATION).until(() -> published.all().isEmpty());
	}

	@Test
	void missedNotificationsAreCaughtUpByThePoll() {
		RecordingPublisher published = open(source());
		this.database.jdbc().execute("ALTER TABLE sni_certificate DISABLE TRIGGER sni_certificate_notify");
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		// No notification: only the revision poll (every 500 ms here) can find it.
		await().atMost(PROPAGATION).until(() -> published.get("shop") != null);
	}

	@Test
	void aRowNamingAHostItsCertificateDoesNotCoverIsRejectedAndThePreviousVersionStays() {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		JdbcCertificateSource source = source();
		RecordingPublisher published = open(source);
		DatabaseCertificate good = published.get("shop");

		this.database.jdbc().update("UPDATE sni_certificate SET names = ARRAY['bank.example'] WHERE id = 'shop'");
		await().atMost(PROPAGATION).until(() -> source.state().rejected() == 1);
		assertThat(published.get("shop")).isSameAs(good);
		assertThat(source.list()).anySatisfy((info) -> {
			assertThat(info.status()).isEqualTo(CertificateStatus.REJECTED);
			assertThat(info.reason()).contains("'bank.example'", "does not cover");
		});
	}

	@Test
	void loadsTheChainAndKeyOfACertificateOnDemand() throws Exception {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		JdbcCertificateSource source = source();
		RecordingPublisher published = open(source);
		SSLContext context = source.createContext(published.get("shop"), this.contexts);
		SSLEngine engine = context.createSSLEngine();
		engine.setUseClientMode(false);
		assertThat(engine.getSupportedCipherSuites()).isNotEmpty();
		assertThat(source.list()).singleElement().satisfies((info) -> {
			assertThat(info.serialNumber()).isEqualTo(shop.serial().toString(16));
			assertThat(info.source()).isEqualTo("database");
		});
	}

	@Test
	void aVersionRotatedBeforeThisReplicaAppliedItLoadsTheNewMaterialOnlyIfItCoversTheSameNames() throws Exception {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		JdbcCertificateSource source = source();
		DatabaseCertificate indexed = open(source).get("shop");

		IssuedCertificate renewed = this.ca.issue("shop.fleet.test");
		this.admin.rotate("shop", renewed.chainPem(), renewed.privateKeyPem());
		assertThat(source.createContext(indexed, this.contexts)).isNotNull();

		IssuedCertificate elsewhere = this.ca.issue("blog.fleet.test");
		this.admin.rotate("shop", elsewhere.chainPem(), elsewhere.privateKeyPem());
		assertThatIllegalStateException().isThrownBy(() -> source.createContext(indexed, this.contexts))
			.withMessageContaining("no longer covers 'shop.fleet.test'");
	}

	@Test
	void theAdminApiRefusesMaterialThatCannotServe() {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		IssuedCertificate other = this.ca.issue("other.fleet.test");
		assertThatExceptionOfType(InvalidCertificateException.class)
			.isThrownBy(() -> this.admin.add("shop", shop.chainPem(), other.privateKeyPem()))
			.withMessageContaining("database row 'shop'")
			.withMessageContaining("does not match");
		IssuedCertificate withoutNames = this.ca.leaf("nameless.fleet.test").withoutSubjectAltNames().issue();
		assertThatExceptionOfType(InvalidCertificateException.class)
			.isThrownBy(() -> this.admin.add("nameless", withoutNames.chainPem(), withoutNames.privateKeyPem()))
			.withMessageContaining("names no DNS host");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.admin.add("shop", shop.chainPem(), shop.privateKeyPem()))
			.withMessageContaining("exists already");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.admin.rotate("blog", shop.chainPem(), shop.privateKeyPem()))
			.withMessageContaining("No database certificate has id 'blog'");
	}

	@Test
	void aDumpOfTheTableNeverShowsAPrivateKey() throws Exception {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		String dump;
		try (Connection connection = this.database.dataSource().getConnection()) {
			StringWriter out = new StringWriter();
			// What pg_dump writes for the table's data.
			connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY sni_certificate TO STDOUT", out);
			dump = out.toString();
		}
		byte[] pkcs8 = shop.privateKey().getEncoded();
		assertThat(dump).contains("shop.fleet.test")
			.doesNotContain(HexFormat.of().formatHex(pkcs8))
			.doesNotContain(Base64.getEncoder().encodeToString(pkcs8).substring(0, 40))
			.doesNotContain(shop.privateKeyPem().lines().skip(1).findFirst().orElseThrow())
			.doesNotContain("PRIVATE KEY");
	}

	@Test
	void aKeyCopiedToAnotherRowWithSqlDoesNotDecrypt() {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		IssuedCertificate blog = this.ca.issue("blog.fleet.test");
		this.admin.add("blog", blog.chainPem(), blog.privateKeyPem());
		this.database.jdbc()
			.update("UPDATE sni_certificate SET chain_pem = s.chain_pem, key_ciphertext = s.key_ciphertext, "
					+ "names = s.names FROM sni_certificate s WHERE s.id = 'shop' AND sni_certificate.id = 'blog'");
		JdbcCertificateSource source = source();
		RecordingPublisher published = open(source);
		assertThatExceptionOfType(KeyDecryptionException.class)
			.isThrownBy(() -> source.createContext(published.get("blog"), this.contexts))
			.withMessageContaining("'blog'")
			.withMessageContaining("does not authenticate");
	}

	@Test
	void aMasterKeyIsRotatedByReencrypting() throws Exception {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		String oldKey = KeyEncryptionTest.randomKey();
		KeyEncryption first = KeyEncryption.builder().key("k1", oldKey).build();
		new JdbcCertificates(this.database.dataSource(), first).rotate("shop", shop.chainPem(), shop.privateKeyPem());

		String newKey = KeyEncryptionTest.randomKey();
		KeyEncryption both = KeyEncryption.builder().key("k1", oldKey).key("k2", newKey).activeKey("k2").build();
		assertThat(new JdbcCertificates(this.database.dataSource(), both).reencrypt()).isEqualTo(1);
		assertThat(this.database.jdbc().queryForList("SELECT key_id FROM sni_certificate", String.class))
			.containsExactly("k2");

		KeyEncryption onlyNew = KeyEncryption.builder().key("k2", newKey).build();
		JdbcCertificateSource source = JdbcCertificateSource.builder(this.database.dataSource(), onlyNew).build();
		this.closeables.add(source);
		RecordingPublisher published = open(source);
		assertThat(source.createContext(published.get("shop"), this.contexts)).isNotNull();
	}

	@Test
	void whileTheDatabaseIsDownCertificatesFailFastAndTheSourceReconnects() throws Exception {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		JdbcCertificateSource source = source();
		RecordingPublisher published = open(source);
		assertThat(source.state().status()).isEqualTo(JdbcSourceState.Status.UP);

		postgres.stop();
		await().atMost(PROPAGATION).until(() -> source.state().status() == JdbcSourceState.Status.DOWN);
		assertThat(published.get("shop")).isNotNull();
		long start = System.nanoTime();
		assertThatExceptionOfType(SQLTransientConnectionException.class)
			.isThrownBy(() -> source.createContext(published.get("shop"), this.contexts))
			.withMessageContaining("unreachable");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
		assertThat(source.state().lastError()).isNotNull();

		postgres.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> source.state().status() == JdbcSourceState.Status.UP);
		assertThat(source.createContext(published.get("shop"), this.contexts)).isNotNull();
	}

	@Test
	void changesMadeWhileThisReplicaWasCutOffArriveWhenItReconnects() {
		IssuedCertificate shop = this.ca.issue("shop.fleet.test");
		this.admin.add("shop", shop.chainPem(), shop.privateKeyPem());
		TcpProxy link = new TcpProxy(postgres.port());
		this.closeables.add(link);
		String viaLink = this.database.url().replace(":" + postgres.port() + "/", ":" + link.port() + "/");
		JdbcCertificateSource source = JdbcCertificateSource.builder(this.database.dataSource(viaLink), this.encryption)
			.pollInterval(Duration.ofMillis(500))
			.reconnectMaxDelay(Duration.ofMillis(500))
			.build();
		this.closeables.add(source);
		RecordingPublisher published = open(source);

		link.cut();
		await().atMost(PROPAGATION).until(() -> source.state().status() == JdbcSourceState.Status.DOWN);
		IssuedCertificate blog = this.ca.issue("blog.fleet.test");
		this.admin.add("blog", blog.chainPem(), blog.privateKeyPem());
		this.admin.remove("shop");
		assertThat(published.get("shop")).isNotNull();
		assertThat(published.get("blog")).isNull();

		link.restore();
		await().atMost(Duration.ofSeconds(5)).until(() -> published.get("blog") != null && published.get("shop") == null);
		assertThat(source.state().status()).isEqualTo(JdbcSourceState.Status.UP);
	}

	@Test
	void aDatabaseWithoutTheSchemaStopsTheStartWithAMessage() {
		try (TestDatabase empty = TestDatabase.on(postgres.createDatabase())) {
			JdbcCertificateSource source = JdbcCertificateSource.builder(empty.dataSource(), this.encryption).build();
			assertThatIllegalStateException().isThrownBy(() -> source.open(new RecordingPublisher()))
				.withMessageContaining("sni.jdbc.create-schema=true")
				.withMessageContaining("sni_certificate_revision");
			assertThat(source.state().status()).isEqualTo(JdbcSourceState.Status.STOPPED);
		}
	}

	@Test
	void replicasCreatingTheSchemaTogetherDoNotCollide() throws Exception {
		String url = postgres.createDatabase();
		try (TestDatabase fresh = TestDatabase.on(url)) {
			ExecutorService executor = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> runs = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					runs.add(executor.submit(() -> JdbcSchema.create(fresh.dataSource())));
				}
				for (Future<?> run : runs) {
					run.get();
				}
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(fresh.jdbc().queryForObject("SELECT revision FROM sni_certificate_revision", Long.class))
				.isZero();
		}
	}

	private JdbcCertificateSource source() {
		JdbcCertificateSource source = JdbcCertificateSource.builder(this.database.dataSource(), this.encryption)
			.pollInterval(Duration.ofMillis(500))
			.reconnectMaxDelay(Duration.ofMillis(500))
			.build();
		this.closeables.add(source);
		return source;
	}

	private static RecordingPublisher open(JdbcCertificateSource source) {
		RecordingPublisher publisher = new RecordingPublisher();
		source.open(publisher);
		return publisher;
	}

}
