package io.github.snistarter.store;

import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import io.github.snistarter.ClientHello;
import io.github.snistarter.server.CountingCertificateSource;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.KeyType;
import io.github.snistarter.testkit.SignatureSchemes;
import io.github.snistarter.testkit.TestCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * How the composed store ranks certificates (SPEC T2, T3), and what handshakes cost it
 * (SPEC S3, T7), without a server.
 */
class CertificateStoreTest {

	private static final CertificateContextFactory CONTEXTS = new CertificateContextFactory("TLS", null);

	private final TestCa ca = TestCa.shared();

	private final List<CertificateStore> stores = new ArrayList<>();

	@AfterEach
	void close() {
		this.stores.forEach(CertificateStore::close);
	}

	@Test
	void exactNameBeatsWildcard() {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		register(runtime, this.ca.issue("*.shop.test"));
		IssuedCertificate www = register(runtime, this.ca.issue("www.shop.test"));
		assertThat(serialOf(store.find("www.shop.test"))).isEqualTo(www.serial());
		assertThat(store.find("www.shop.test").rule()).isEqualTo(MatchRule.EXACT);
		assertThat(store.find("api.shop.test").rule()).isEqualTo(MatchRule.WILDCARD);
		assertThat(store.find("a.b.shop.test")).isNull();
		assertThat(store.find("shop.test")).isNull();
	}

	@Test
	void validCertificateBeatsExpiredOneWhateverTheMatch() {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		register(runtime, this.ca.leaf("www.shop.test").expired().issue());
		IssuedCertificate wildcard = register(runtime, this.ca.issue("*.shop.test"));
		assertThat(serialOf(store.find("www.shop.test"))).isEqualTo(wildcard.serial());
	}

	@Test
	void expiredCertificateIsServedOnlyWhenNothingValidCoversTheName() {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		IssuedCertificate expired = register(runtime, this.ca.leaf("old.test").expired().issue());
		assertThat(serialOf(store.find("old.test"))).isEqualTo(expired.serial());
		IssuedCertificate renewed = register(runtime, this.ca.issue("old.test"));
		assertThat(serialOf(store.find("old.test"))).isEqualTo(renewed.serial());
	}

	@Test
	void notYetValidCertificateLosesToTheValidOne() {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		IssuedCertificate current = register(runtime, this.ca.issue("next.test"));
		register(runtime, this.ca.leaf("next.test").notYetValid().issue());
		assertThat(serialOf(store.find("next.test"))).isEqualTo(current.serial());
	}

	@Test
	void laterNotAfterWinsAmongEquals() {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		Instant now = Instant.now();
		IssuedCertificate later = register(runtime,
				this.ca.leaf("api.test").validity(now.minus(1, ChronoUnit.HOURS), now.plus(60, ChronoUnit.DAYS)).issue());
		register(runtime,
				this.ca.leaf("api.test").validity(now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS)).issue());
		assertThat(serialOf(store.find("api.test"))).isEqualTo(later.serial());
	}

	@Test
	void clientGetsTheKeyTypeItCanUse() {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		Instant now = Instant.now();
		IssuedCertificate ecdsa = register(runtime, this.ca.leaf("both.test")
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(60, ChronoUnit.DAYS))
			.issue());
		IssuedCertificate rsa = register(runtime, this.ca.leaf("both.test")
			.keyType(KeyType.RSA_2048)
			.validity(now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS))
			.issue());
		assertThat(serialOf(store.find("both.test", hello("both.test", SignatureSchemes.ECDSA_ONLY))))
			.isEqualTo(ecdsa.serial());
		assertThat(serialOf(store.find("both.test", hello("both.test", SignatureSchemes.RSA_ONLY))))
			.isEqualTo(rsa.serial());
		// A client that accepts both gets the later notAfter.
		assertThat(serialOf(store.find("both.test", hello("both.test", SignatureSchemes.DEFAULT))))
			.isEqualTo(ecdsa.serial());
	}

	@Test
	void sourcesAreMergedThenRankedAndEqualsGoToTheFirstSource() {
		RuntimeCertificates first = new RuntimeCertificates();
		CountingCertificateSource second = new CountingCertificateSource();
		CertificateStore store = store(first, second);
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		Instant notBefore = now.minus(1, ChronoUnit.HOURS);
		IssuedCertificate longer = this.ca.leaf("merged.test").validity(notBefore, now.plus(90, ChronoUnit.DAYS)).issue();
		second.add("longer", longer);
		register(first, this.ca.leaf("merged.test").validity(notBefore, now.plus(30, ChronoUnit.DAYS)).issue());
		assertThat(store.find("merged.test").certificate().id()).isEqualTo("longer");

		IssuedCertificate tieFirst = register(first,
				this.ca.leaf("tie.test").validity(notBefore, now.plus(30, ChronoUnit.DAYS)).issue());
		second.add("tie", this.ca.leaf("tie.test").validity(notBefore, now.plus(30, ChronoUnit.DAYS)).issue());
		assertThat(serialOf(store.find("tie.test"))).isEqualTo(tieFirst.serial());
	}

	@Test
	void unknownNamesCostNoMemoryAndNeverReachASource() {
		CountingCertificateSource source = new CountingCertificateSource();
		CertificateStore store = store(source);
		source.add("known", this.ca.issue("known.test"));
		StoreStatistics before = store.statistics();
		for (int i = 0; i < 10_000; i++) {
			assertThat(store.find(UUID.randomUUID() + ".test")).isNull();
		}
		assertThat(store.statistics()).isEqualTo(before);
		assertThat(source.loads()).isZero();
	}

	@Test
	void contextIsBuiltOncePerCertificateVersion() throws Exception {
		CountingCertificateSource source = new CountingCertificateSource();
		CertificateStore store = store(source);
		StoredCertificate first = source.add("api", this.ca.issue("api.test"));
		SSLContext context = store.context(first, Duration.ofSeconds(5));
		assertThat(store.context(first, Duration.ofSeconds(5))).isSameAs(context);
		StoredCertificate renewed = source.add("api", this.ca.issue("api.test"));
		assertThat(store.context(renewed, Duration.ofSeconds(5))).isNotSameAs(context);
		assertThat(source.loads()).isEqualTo(2);
		assertThat(store.statistics().cachedContexts()).isEqualTo(1);
	}

	@Test
	void concurrentFirstUsesLoadOnce() throws Exception {
		CountingCertificateSource source = new CountingCertificateSource();
		source.delayLoads(Duration.ofMillis(300));
		CertificateStore store = store(source);
		StoredCertificate certificate = source.add("api", this.ca.issue("api.test"));
		ExecutorService threads = Executors.newFixedThreadPool(50);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<SSLContext>> contexts = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				contexts.add(threads.submit(() -> {
					start.await();
					return store.context(certificate, Duration.ofSeconds(10));
				}));
			}
			start.countDown();
			SSLContext first = contexts.get(0).get();
			for (Future<SSLContext> context : contexts) {
				assertThat(context.get()).isSameAs(first);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(source.loads()).isEqualTo(1);
	}

	@Test
	void slowLoadTimesOutAndCompletesInTheBackground() throws Exception {
		CountingCertificateSource source = new CountingCertificateSource();
		source.delayLoads(Duration.ofMillis(500));
		CertificateStore store = store(source);
		StoredCertificate certificate = source.add("slow", this.ca.issue("slow.test"));
		assertThatExceptionOfType(TimeoutException.class)
			.isThrownBy(() -> store.context(certificate, Duration.ofMillis(50)));
		assertThat(store.statistics().loadTimeouts()).isEqualTo(1);
		SSLContext context = store.context(certificate, Duration.ofSeconds(5));
		assertThat(context).isNotNull();
		assertThat(source.loads()).isEqualTo(1);
	}

	@Test
	void failedLoadIsRememberedForAMomentSoHandshakesMeanwhileDoNotRetryIt() throws Exception {
		CountingCertificateSource source = new CountingCertificateSource();
		source.failLoads(true);
		CertificateStore store = store(source);
		StoredCertificate certificate = source.add("down", this.ca.issue("down.test"));
		for (int i = 0; i < 20; i++) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> store.context(certificate, Duration.ofSeconds(5)))
				.withMessageContaining("Backend of down is down");
		}
		assertThat(source.loads()).isEqualTo(1);
		assertThat(store.statistics().loadFailures()).isEqualTo(1);
		source.failLoads(false);
		await().atMost(CertificateStore.FAILED_LOAD_RETRY.plusSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> store.context(certificate, Duration.ofSeconds(5)) != null);
		assertThat(source.loads()).isEqualTo(2);
		assertThat(store.statistics().cachedContexts()).isEqualTo(1);
	}

	@Test
	void removedCertificateIsNoLongerFoundAndItsContextIsDropped() throws Exception {
		RuntimeCertificates runtime = new RuntimeCertificates();
		CertificateStore store = store(runtime);
		IssuedCertificate gone = this.ca.issue("gone.test");
		CertificateInfo registered = runtime.register(gone.chainPem(), gone.privateKeyPem());
		store.context(store.find("gone.test").certificate(), Duration.ofSeconds(5));
		assertThat(store.statistics().cachedContexts()).isEqualTo(1);
		assertThat(runtime.remove(registered.id())).isTrue();
		assertThat(store.find("gone.test")).isNull();
		assertThat(store.statistics().cachedContexts()).isZero();
		assertThat(store.statistics().indexedNames()).isZero();
	}

	private CertificateStore store(CertificateSource... sources) {
		CertificateStore store = new CertificateStore(List.of(sources), CONTEXTS, 100, 2);
		this.stores.add(store);
		return store;
	}

	private static IssuedCertificate register(RuntimeCertificates runtime, IssuedCertificate certificate) {
		runtime.register(certificate.chainPem(), certificate.privateKeyPem());
		return certificate;
	}

	private static BigInteger serialOf(Selection selection) {
		assertThat(selection).isNotNull();
		try {
			X509Certificate leaf = ((CompactCertificate) selection.certificate()).leaf();
			return leaf.getSerialNumber();
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ClientHello hello(String serverName, List<Integer> signatureSchemes) {
		try {
			return new ClientHello(serverName, serverName, List.of(), List.of(), List.of("TLSv1.3"), signatureSchemes,
					List.of(), null, SSLContext.getDefault());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
