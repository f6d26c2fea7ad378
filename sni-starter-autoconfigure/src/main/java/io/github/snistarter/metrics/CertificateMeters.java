package io.github.snistarter.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.CertificateStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics of the certificate store: certificates by status, days to expiry per
 * certificate, and the context cache. The certificate list is read on a schedule, not on
 * every scrape; on each read a certificate that expired since the previous one is
 * logged once. The one class in this package that knows the store's types.
 */
public final class CertificateMeters implements MeterBinder, AutoCloseable {

	static final String EXPIRY = "sni.certificate.expiry";

	static final String CERTIFICATES = "sni.certificates";

	private static final Logger logger = LoggerFactory.getLogger(CertificateMeters.class);

	private final CertificateStore store;

	private final Duration refreshInterval;

	private final Clock clock;

	private final Map<CertificateStatus, AtomicInteger> counts = new EnumMap<>(CertificateStatus.class);

	/** Expiry gauges by certificate (source and id), with the end of validity they show. */
	private final Map<List<String>, ExpiryGauge> expiryGauges = new HashMap<>();

	private final Map<List<String>, CertificateStatus> lastStatus = new HashMap<>();

	private @Nullable MeterRegistry registry;

	private @Nullable ScheduledExecutorService scheduler;

	private boolean firstRefresh = true;

	/**
	 * Create the meters.
	 * @param store the certificate store
	 * @param refreshInterval how often to read the certificate list
	 */
	public CertificateMeters(CertificateStore store, Duration refreshInterval) {
		this(store, refreshInterval, Clock.systemUTC());
	}

	CertificateMeters(CertificateStore store, Duration refreshInterval, Clock clock) {
		this.store = store;
		this.refreshInterval = refreshInterval;
		this.clock = clock;
		for (CertificateStatus status : CertificateStatus.values()) {
			this.counts.put(status, new AtomicInteger());
		}
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.counts.forEach((status, count) -> Gauge.builder(CERTIFICATES, count, AtomicInteger::get)
			.description("Certificates the store's sources hold, by status")
			.baseUnit("certificates")
			.tag("status", status.name().toLowerCase(Locale.ROOT))
			.register(registry));
		Gauge.builder("sni.store.names", this.store, (store) -> store.statistics().indexedNames())
			.description("Distinct server names (exact names and wildcard domains) the store serves")
			.register(registry);
		Gauge.builder("sni.cache.size", this.store, (store) -> store.statistics().cachedContexts())
			.description("SSL contexts cached for the certificates in use")
			.register(registry);
		FunctionCounter.builder("sni.cache.gets", this.store, (store) -> store.statistics().cacheHits())
			.description("Handshakes that looked up a certificate's SSL context in the cache")
			.tag("result", "hit")
			.register(registry);
		FunctionCounter.builder("sni.cache.gets", this.store, (store) -> store.statistics().cacheMisses())
			.description("Handshakes that looked up a certificate's SSL context in the cache")
			.tag("result", "miss")
			.register(registry);
		FunctionCounter.builder("sni.cache.loads", this.store, (store) -> store.statistics().loads())
			.description("SSL context loads: the only calls that reach a certificate source's backing store")
			.register(registry);
		FunctionCounter.builder("sni.cache.load.failures", this.store, (store) -> store.statistics().loadFailures())
			.description("SSL context loads that failed")
			.register(registry);
		FunctionCounter.builder("sni.cache.load.timeouts", this.store, (store) -> store.statistics().loadTimeouts())
			.description("Handshakes that gave up waiting for an SSL context to load")
			.register(registry);
		refresh();
		if (this.scheduler == null && !this.refreshInterval.isZero() && !this.refreshInterval.isNegative()) {
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "sni-certificate-meters");
				thread.setDaemon(true);
				return thread;
			});
			long millis = this.refreshInterval.toMillis();
			scheduler.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
			this.scheduler = scheduler;
		}
	}

	/** Read the certificate list and bring the gauges up to date. */
	public synchronized void refresh() {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		List<CertificateInfo> certificates = this.store.list();
		Instant now = this.clock.instant();
		Map<CertificateStatus, Integer> counted = new EnumMap<>(CertificateStatus.class);
		Set<List<String>> present = new HashSet<>();
		for (CertificateInfo info : certificates) {
			CertificateStatus status = statusAt(info, now);
			counted.merge(status, 1, Integer::sum);
			if (status == CertificateStatus.REJECTED || info.notAfter() == null) {
				continue;
			}
			List<String> key = List.of(info.source(), info.id());
			present.add(key);
			logIfExpired(key, info, status);
			ExpiryGauge gauge = this.expiryGauges.get(key);
			if (gauge == null || !gauge.notAfter.equals(info.notAfter())) {
				if (gauge != null) {
					registry.remove(gauge.meter);
				}
				this.expiryGauges.put(key, new ExpiryGauge(registry, info, this.clock));
			}
		}
		this.expiryGauges.entrySet().removeIf((entry) -> {
			boolean gone = !present.contains(entry.getKey());
			if (gone) {
				registry.remove(entry.getValue().meter);
			}
			return gone;
		});
		this.lastStatus.keySet().retainAll(present);
		this.counts.forEach((status, count) -> count.set(counted.getOrDefault(status, 0)));
		this.firstRefresh = false;
	}

	private void logIfExpired(List<String> key, CertificateInfo info, CertificateStatus status) {
		CertificateStatus previous = this.lastStatus.put(key, status);
		// Certificates loaded already expired were logged by their source when loaded.
		if (!this.firstRefresh && status == CertificateStatus.EXPIRED && previous != null
				&& previous != CertificateStatus.EXPIRED) {
			logger.warn("Certificate {} from {} for {} expired on {}; it is served only to names no valid "
					+ "certificate covers", info.id(), info.source(), info.names(), info.notAfter());
		}
	}

	private static CertificateStatus statusAt(CertificateInfo info, Instant now) {
		Instant notAfter = info.notAfter();
		if (info.status() == CertificateStatus.SERVING && notAfter != null && now.isAfter(notAfter)) {
			return CertificateStatus.EXPIRED;
		}
		return info.status();
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not refresh certificate metrics", ex);
		}
	}

	@Override
	public synchronized void close() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	/** Time to the end of one certificate's validity; negative once expired. */
	private static final class ExpiryGauge {

		private final Instant notAfter;

		private final Meter meter;

		ExpiryGauge(MeterRegistry registry, CertificateInfo info, Clock clock) {
			this.notAfter = Objects.requireNonNull(info.notAfter());
			Instant notAfter = this.notAfter;
			this.meter = TimeGauge
				.builder(EXPIRY, clock, TimeUnit.SECONDS,
						(c) -> Duration.between(c.instant(), notAfter).toSeconds())
				.description("Time until the certificate expires; negative once it has")
				.tags(Tags.of("source", info.source(), "id", info.id()))
				.register(registry);
		}

	}

}
