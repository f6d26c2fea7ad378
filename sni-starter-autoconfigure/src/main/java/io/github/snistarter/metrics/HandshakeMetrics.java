package io.github.snistarter.metrics;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.github.snistarter.TlsAlert;
import io.github.snistarter.core.HandshakeObserver;
import io.github.snistarter.core.HandshakeOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Counts handshakes by outcome and alert ({@code sni.handshakes}) and times the
 * selection ({@code sni.selection}).
 * <p>
 * The handshake path pays two array reads and two meter updates: every counter is
 * registered once and then kept by index. The {@code server.name} tag is off by default
 * because clients choose the names they send; when turned on, only names a certificate
 * was selected for (or failed to load for) become tag values, at most a fixed number of
 * them, so a flood of made-up names cannot grow the number of time series.
 */
public final class HandshakeMetrics implements HandshakeObserver {

	static final String HANDSHAKES = "sni.handshakes";

	static final String SELECTION = "sni.selection";

	static final String NO_ALERT = "none";

	static final String NO_SERVER_NAME = "none";

	static final String OTHER_SERVER_NAME = "other";

	private static final HandshakeOutcome[] OUTCOMES = HandshakeOutcome.values();

	private static final TlsAlert[] ALERTS = TlsAlert.values();

	private static final int SLOTS = OUTCOMES.length * (ALERTS.length + 1);

	private final MeterRegistry registry;

	private final Timer[] timers = new Timer[OUTCOMES.length];

	private final @Nullable ServerNameTags serverNames;

	/** Counters without a server.name tag, by {@link #slot}. */
	private final AtomicReferenceArray<@Nullable Counter> counters = new AtomicReferenceArray<>(SLOTS);

	/**
	 * Register the meters.
	 * @param registry where to register
	 * @param maxServerNames how many distinct server names may become {@code server.name}
	 * tag values; 0 for no {@code server.name} tag at all
	 */
	public HandshakeMetrics(MeterRegistry registry, int maxServerNames) {
		this.registry = registry;
		this.serverNames = (maxServerNames > 0) ? new ServerNameTags(maxServerNames) : null;
		for (HandshakeOutcome outcome : OUTCOMES) {
			this.timers[outcome.ordinal()] = Timer.builder(SELECTION)
				.description("Time to select the certificate for a TLS ClientHello")
				.tag("outcome", tagValue(outcome))
				.register(registry);
		}
		if (this.serverNames == null) {
			// The usual outcomes are visible (at zero) before the first handshake.
			counter(HandshakeOutcome.SELECTED, null);
			counter(HandshakeOutcome.DEFAULT, null);
		}
	}

	@Override
	public void selected(HandshakeOutcome outcome, @Nullable TlsAlert alert, @Nullable String serverName,
			long selectionNanos) {
		this.timers[outcome.ordinal()].record(selectionNanos, TimeUnit.NANOSECONDS);
		ServerNameTags serverNames = this.serverNames;
		Counter counter = (serverNames != null) ? serverNames.counter(outcome, alert, serverName)
				: counter(outcome, alert);
		counter.increment();
	}

	private Counter counter(HandshakeOutcome outcome, @Nullable TlsAlert alert) {
		int slot = slot(outcome, alert);
		Counter counter = this.counters.get(slot);
		if (counter == null) {
			counter = register(outcome, alert, null);
			this.counters.set(slot, counter);
		}
		return counter;
	}

	private Counter register(HandshakeOutcome outcome, @Nullable TlsAlert alert, @Nullable String serverName) {
		Tags tags = Tags.of("outcome", tagValue(outcome), "alert", (alert != null) ? tagValue(alert) : NO_ALERT);
		if (serverName != null) {
			tags = tags.and("server.name", serverName);
		}
		return Counter.builder(HANDSHAKES)
			.description("TLS handshakes by the outcome of the certificate selection and the alert sent")
			.baseUnit("handshakes")
			.tags(tags)
			.register(this.registry);
	}

	private static int slot(HandshakeOutcome outcome, @Nullable TlsAlert alert) {
		return outcome.ordinal() * (ALERTS.length + 1) + ((alert != null) ? alert.ordinal() + 1 : 0);
	}

	static String tagValue(HandshakeOutcome outcome) {
		return outcome.name().toLowerCase(Locale.ROOT);
	}

	static String tagValue(TlsAlert alert) {
		return alert.name().toLowerCase(Locale.ROOT);
	}

	/** Counters with a {@code server.name} tag, bounded in how many names they admit. */
	private final class ServerNameTags {

		private final int max;

		private final ConcurrentMap<String, AtomicReferenceArray<@Nullable Counter>> byName = new ConcurrentHashMap<>();

		private final Set<String> admitted = ConcurrentHashMap.newKeySet();

		ServerNameTags(int max) {
			this.max = max;
		}

		Counter counter(HandshakeOutcome outcome, @Nullable TlsAlert alert, @Nullable String serverName) {
			String tag = tag(outcome, serverName);
			AtomicReferenceArray<@Nullable Counter> counters = this.byName.get(tag);
			if (counters == null) {
				counters = this.byName.computeIfAbsent(tag, (name) -> new AtomicReferenceArray<>(SLOTS));
			}
			int slot = slot(outcome, alert);
			Counter counter = counters.get(slot);
			if (counter == null) {
				counter = register(outcome, alert, tag);
				counters.set(slot, counter);
			}
			return counter;
		}

		private String tag(HandshakeOutcome outcome, @Nullable String serverName) {
			if (serverName == null) {
				return NO_SERVER_NAME;
			}
			if (outcome != HandshakeOutcome.SELECTED && outcome != HandshakeOutcome.FAILED) {
				// Unknown and refused names are whatever clients make up.
				return OTHER_SERVER_NAME;
			}
			if (this.admitted.contains(serverName)) {
				return serverName;
			}
			// A race may admit a name or two more than the maximum, never more.
			return (this.admitted.size() < this.max && this.admitted.add(serverName)) ? serverName
					: OTHER_SERVER_NAME;
		}

	}

}
