package io.github.snistarter.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.RawClientHello;
import io.github.snistarter.testkit.RawTlsClient;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsAlert;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Micrometer metrics in a real application: {@code sni.handshakes} moves by exactly the
 * handshakes made, per outcome and alert; {@code sni.selection} times each of them; the
 * {@code server.name} tag is opt-in and bounded; certificates have expiry gauges.
 */
class HandshakeMetricsTest {

	@TempDir
	Path directory;

	static IssuedCertificate api;

	static IssuedCertificate www;

	static IssuedCertificate fallback;

	SniServer server;

	@BeforeAll
	static void issue() {
		TestCa ca = TestCa.shared();
		api = ca.issue("api.test");
		www = ca.issue("www.test");
		fallback = ca.issue("default.test");
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private SniServer.Builder server() {
		return SniServer.builder(this.directory)
			.bundle("api", api)
			.bundle("www", www)
			.bundle("fallback", fallback)
			.serverBundle("fallback")
			.serve("api.test", "api")
			.serve("www.test", "www")
			.rejectUnknownNames()
			.property("management.endpoints.web.exposure.include", "sni,health,metrics");
	}

	@Test
	void countersMoveByExactlyTheHandshakesMadePerOutcomeAndAlert() {
		this.server = server().start();
		failFor("boom.test");
		Map<List<String>, Double> before = handshakeCounts();
		TlsClient client = TlsClient.trustAll();
		for (TlsVersion version : TlsVersion.values()) {
			assertThat(client.handshake(this.server.port(), "api.test", version).isSuccess()).isTrue();
			assertThat(client.handshake(this.server.port(), "www.test", version).isSuccess()).isTrue();
			assertThat(client.handshake(this.server.port(), null, version).isSuccess()).isTrue();
			assertThat(client.handshake(this.server.port(), "unknown.test", version).alert())
				.isEqualTo(TlsAlert.UNRECOGNIZED_NAME);
			assertThat(client.handshake(this.server.port(), "boom.test", version).alert())
				.isEqualTo(TlsAlert.HANDSHAKE_FAILURE);
		}
		assertThat(RawTlsClient.send(this.server.port(),
				RawClientHello.tls13().serverNameBytes("api.test.".getBytes(StandardCharsets.US_ASCII)),
				Duration.ofSeconds(5))
			.alert()).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		Map<List<String>, Double> delta = delta(before, handshakeCounts());
		int versions = TlsVersion.values().length;
		assertThat(delta).containsOnly(Map.entry(List.of("selected", "none"), 2.0 * versions),
				Map.entry(List.of("default", "none"), 1.0 * versions),
				Map.entry(List.of("rejected", "unrecognized_name"), 1.0 * versions),
				Map.entry(List.of("failed", "handshake_failure"), 1.0 * versions),
				Map.entry(List.of("rejected", "illegal_parameter"), 1.0));
		MeterRegistry registry = this.server.bean(MeterRegistry.class);
		Timer selection = registry.get("sni.selection").tag("outcome", "selected").timer();
		assertThat(selection.count()).isEqualTo(2L * versions);
		assertThat(selection.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
	}

	@Test
	void metricsAreReadableOverHttp() {
		this.server = server().start();
		TlsClient.trustAll().handshake(this.server.port(), "unknown.test", TlsVersion.TLS13);
		DocumentContext json = SniEndpointTest.get(this.server,
				"/actuator/metrics/sni.handshakes?tag=outcome:rejected&tag=alert:unrecognized_name");
		assertThat(json.<Double>read("$.measurements[0].value")).isEqualTo(1.0);
		DocumentContext all = SniEndpointTest.get(this.server, "/actuator/metrics/sni.handshakes");
		assertThat(all.<List<String>>read("$.availableTags[*].tag")).containsExactlyInAnyOrder("outcome", "alert");
		assertThat(SniEndpointTest.get(this.server, "/actuator/metrics/sni.selection").<String>read("$.baseUnit"))
			.isEqualTo("seconds");
	}

	@Test
	void serverNameTagIsOptInAndBounded() {
		this.server = server().property("sni.metrics.server-name-tag", "true")
			.property("sni.metrics.max-server-names", "1")
			.start();
		TlsClient client = TlsClient.trustAll();
		client.handshake(this.server.port(), "api.test", TlsVersion.TLS13);
		client.handshake(this.server.port(), "api.test", TlsVersion.TLS12);
		client.handshake(this.server.port(), "www.test", TlsVersion.TLS13);
		client.handshake(this.server.port(), "unknown.test", TlsVersion.TLS13);
		client.handshake(this.server.port(), null, TlsVersion.TLS13);
		MeterRegistry registry = this.server.bean(MeterRegistry.class);
		assertThat(count(registry, "outcome", "selected", "server.name", "api.test")).isEqualTo(2.0);
		// Over the bound: counted, but not under its own name.
		assertThat(count(registry, "outcome", "selected", "server.name", "other")).isEqualTo(1.0);
		assertThat(count(registry, "outcome", "rejected", "server.name", "other")).isEqualTo(1.0);
		assertThat(count(registry, "outcome", "default", "server.name", "none")).isEqualTo(1.0);
		assertThat(registry.find("sni.handshakes").tag("server.name", "unknown.test").counters()).isEmpty();
		assertThat(registry.find("sni.handshakes").tag("server.name", "www.test").counters()).isEmpty();
	}

	@Test
	void withoutOptInNoCounterHasAServerNameTag() {
		this.server = server().start();
		TlsClient.trustAll().handshake(this.server.port(), "api.test", TlsVersion.TLS13);
		MeterRegistry registry = this.server.bean(MeterRegistry.class);
		assertThat(registry.find("sni.handshakes").counters())
			.allSatisfy((counter) -> assertThat(counter.getId().getTag("server.name")).isNull());
	}

	@Test
	void everyCertificateHasAnExpiryGaugeAndTheCacheIsMeasured() {
		this.server = server().start();
		MeterRegistry registry = this.server.bean(MeterRegistry.class);
		TimeGauge expiry = registry.get("sni.certificate.expiry").tag("source", "bundles").tag("id", "api").timeGauge();
		double days = Duration.between(java.time.Instant.now(), api.certificate().getNotAfter().toInstant()).toDays();
		assertThat(expiry.value(java.util.concurrent.TimeUnit.DAYS)).isCloseTo(days, within(1.0));
		assertThat(registry.get("sni.certificates").tag("status", "serving").gauge().value()).isEqualTo(2.0);
		double hits = registry.get("sni.cache.gets").tag("result", "hit").functionCounter().count();
		double misses = registry.get("sni.cache.gets").tag("result", "miss").functionCounter().count();
		for (int i = 0; i < 3; i++) {
			TlsClient.trustAll().handshake(this.server.port(), "www.test", TlsVersion.TLS13);
		}
		assertThat(registry.get("sni.cache.size").gauge().value()).isGreaterThanOrEqualTo(1.0);
		assertThat(registry.get("sni.cache.gets").tag("result", "miss").functionCounter().count() - misses)
			.as("first handshake loads the context").isEqualTo(1.0);
		assertThat(registry.get("sni.cache.gets").tag("result", "hit").functionCounter().count() - hits)
			.as("the next two find it cached").isEqualTo(2.0);
		assertThat(registry.find("sni.cache.loads").functionCounter()).isNotNull();
	}

	private void failFor(String name) {
		ActiveServerNameCallback active = this.server.bean(ActiveServerNameCallback.class);
		ServerNameCallback store = active.get();
		active.replace((hello) -> {
			if (name.equals(hello.serverName())) {
				throw new IllegalStateException("boom");
			}
			return store.select(hello);
		});
	}

	private Map<List<String>, Double> handshakeCounts() {
		Map<List<String>, Double> counts = new HashMap<>();
		for (Counter counter : this.server.bean(MeterRegistry.class).find("sni.handshakes").counters()) {
			Meter.Id id = counter.getId();
			counts.merge(List.of(id.getTag("outcome"), id.getTag("alert")), counter.count(), Double::sum);
		}
		return counts;
	}

	private static Map<List<String>, Double> delta(Map<List<String>, Double> before, Map<List<String>, Double> after) {
		Map<List<String>, Double> delta = new HashMap<>();
		after.forEach((key, count) -> {
			double moved = count - before.getOrDefault(key, 0.0);
			if (moved != 0) {
				delta.put(key, moved);
			}
		});
		return delta;
	}

	private static double count(MeterRegistry registry, String... tags) {
		return registry.find("sni.handshakes").tags(tags).counters().stream().mapToDouble(Counter::count).sum();
	}


}
