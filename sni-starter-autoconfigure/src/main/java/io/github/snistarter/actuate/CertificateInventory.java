package io.github.snistarter.actuate;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.TlsAlert;
import io.github.snistarter.core.ServerNameCheck;
import io.github.snistarter.core.ServerNames;
import io.github.snistarter.store.BundleCertificateStore;
import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.CertificateStoreCallback;
import io.github.snistarter.store.KeyAlgorithm;
import io.github.snistarter.store.MatchRule;
import io.github.snistarter.store.Selection;
import io.github.snistarter.store.StoreStatistics;
import io.github.snistarter.store.StoredCertificate;
import io.github.snistarter.store.UnknownNamePolicy;
import org.jspecify.annotations.Nullable;

/**
 * What the certificate store holds and what it answers, in the terms the endpoint and
 * the health contributor show. The one place in this package that knows the store's
 * types.
 */
public final class CertificateInventory {

	private static final String SERVER_SOURCE = "server";

	private static final String SERVER_ID = "server.ssl";

	private final CertificateStore store;

	private final BundleCertificateStore bundles;

	private final ActiveServerNameCallback callbacks;

	private final UnknownNamePolicy unknownNamePolicy;

	private final Clock clock;

	private final DefaultCertificateProbe probe = new DefaultCertificateProbe();

	/**
	 * Create an inventory.
	 * @param store the certificate store
	 * @param bundles the bundle source, which also holds the default certificate
	 * @param callbacks the active callback
	 * @param unknownNamePolicy what names no certificate covers get
	 */
	public CertificateInventory(CertificateStore store, BundleCertificateStore bundles,
			ActiveServerNameCallback callbacks, UnknownNamePolicy unknownNamePolicy) {
		this(store, bundles, callbacks, unknownNamePolicy, Clock.systemUTC());
	}

	CertificateInventory(CertificateStore store, BundleCertificateStore bundles, ActiveServerNameCallback callbacks,
			UnknownNamePolicy unknownNamePolicy, Clock clock) {
		this.store = store;
		this.bundles = bundles;
		this.callbacks = callbacks;
		this.unknownNamePolicy = unknownNamePolicy;
		this.clock = clock;
	}

	/**
	 * Every certificate the store's sources hold, including what they rejected.
	 * @return the certificates, source by source
	 */
	public List<CertificateDescriptor> certificates() {
		Instant now = this.clock.instant();
		List<CertificateDescriptor> certificates = new ArrayList<>();
		for (CertificateInfo info : this.store.list()) {
			certificates.add(describe(info, now));
		}
		return certificates;
	}

	/**
	 * The certificate clients without SNI get, checked by an in-memory handshake.
	 * @return the certificate, with status {@code UNAVAILABLE} when it cannot be served
	 */
	public CertificateDescriptor defaultCertificate() {
		StoredCertificate configured = this.bundles.defaultCertificate();
		String source = (configured != null) ? configured.source().name() : SERVER_SOURCE;
		String id = (configured != null) ? configured.id() : SERVER_ID;
		DefaultCertificateProbe.Result result = this.probe.probe(this.bundles.defaultContext());
		X509Certificate leaf = result.leaf();
		if (result.problem() != null || leaf == null) {
			return CertificateDescriptor.unavailable(source, id, String.valueOf(result.problem()));
		}
		return describe(leaf, source, id, this.clock.instant());
	}

	/**
	 * Which certificate a server name gets, by which rule. The name is checked and
	 * normalized exactly as in a handshake.
	 * @param input a server name as typed; an IP address stands for a client without SNI
	 * @return the answer
	 */
	public ServerNameDescriptor resolve(String input) {
		String callback = callbackKind();
		String policy = unknownNamePolicy();
		ServerNameCheck check = ServerNames.check(input);
		if (check.alert() != null) {
			return new ServerNameDescriptor(input, null, null, MatchRule.REJECTED.name(), alertName(check.alert()),
					check.problem() + "; the handshake ends before any callback runs", null, policy, callback, null);
		}
		String serverName = check.aLabel();
		if ("none".equals(callback)) {
			return new ServerNameDescriptor(input, serverName, check.unicode(), MatchRule.DEFAULT.name(), null,
					"No callback is active: every handshake gets the default certificate", defaultCertificate(),
					policy, callback, null);
		}
		Selection selection = select(serverName);
		CertificateDescriptor certificate = (selection.rule() == MatchRule.REJECTED) ? null
				: (selection.certificate() != null) ? find(selection.certificate()) : defaultCertificate();
		String alert = (selection.rule() == MatchRule.REJECTED) ? "unrecognized_name" : null;
		String note = "custom".equals(callback)
				? "A custom callback (" + callbackClass() + ") is active: handshakes get what it decides; this is "
						+ "what the certificate store would answer"
				: null;
		return new ServerNameDescriptor(input, serverName, check.unicode(), selection.rule().name(), alert,
				reason(selection.rule(), serverName, check.isNoServerName()), certificate, policy, callback, note);
	}

	/**
	 * The active callback: {@code store}, {@code custom} or {@code none}.
	 * @return the kind
	 */
	public String callbackKind() {
		ServerNameCallback callback = this.callbacks.get();
		if (callback == null) {
			return "none";
		}
		return (callback instanceof CertificateStoreCallback) ? "store" : "custom";
	}

	/**
	 * The unknown-name policy in force.
	 * @return {@code default} or {@code reject}
	 */
	public String unknownNamePolicy() {
		return this.unknownNamePolicy.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The store's sources and counters.
	 * @return the description
	 */
	public StoreDescriptor storeDescriptor() {
		StoreStatistics statistics = this.store.statistics();
		List<String> sources = this.store.sources().stream().map(CertificateSource::name).toList();
		return new StoreDescriptor(sources, statistics.indexedNames(), statistics.cachedContexts(),
				statistics.loads(), statistics.loadFailures(), statistics.loadTimeouts());
	}

	private Selection select(@Nullable String serverName) {
		if (this.callbacks.get() instanceof CertificateStoreCallback storeCallback) {
			return storeCallback.resolve(serverName);
		}
		// A custom callback is active: answer as the store's own callback would.
		Selection found = (serverName != null) ? this.store.find(serverName) : null;
		if (found != null) {
			return found;
		}
		return (serverName != null && this.unknownNamePolicy == UnknownNamePolicy.REJECT)
				? new Selection(null, MatchRule.REJECTED)
				: new Selection(this.bundles.defaultCertificate(), MatchRule.DEFAULT);
	}

	private String reason(MatchRule rule, @Nullable String serverName, boolean ipLiteral) {
		return switch (rule) {
			case EXACT -> "A certificate serves exactly '" + serverName + "'";
			case WILDCARD -> "A certificate serves '*." + parentOf(serverName) + "'";
			case DEFAULT -> (serverName == null)
					? (ipLiteral ? "An IP address sent as server name counts as no SNI: the default certificate"
							: "No SNI: the default certificate")
					: "No certificate serves '" + serverName + "'; the unknown-name policy 'default' serves the "
							+ "default certificate";
			case REJECTED -> "No certificate serves '" + serverName + "'; the unknown-name policy 'reject' ends the "
					+ "handshake with unrecognized_name (112)";
		};
	}

	private static String parentOf(@Nullable String serverName) {
		return (serverName != null && serverName.indexOf('.') > 0) ? serverName.substring(serverName.indexOf('.') + 1)
				: String.valueOf(serverName);
	}

	private @Nullable CertificateDescriptor find(StoredCertificate certificate) {
		Instant now = this.clock.instant();
		String source = certificate.source().name();
		for (CertificateInfo info : certificate.source().list()) {
			if (info.source().equals(source) && info.id().equals(certificate.id())
					&& info.status() != CertificateStatus.REJECTED) {
				return describe(info, now);
			}
		}
		return null;
	}

	private @Nullable String callbackClass() {
		ServerNameCallback callback = this.callbacks.get();
		return (callback != null) ? callback.getClass().getName() : null;
	}

	private static String alertName(TlsAlert alert) {
		return alert.name().toLowerCase(Locale.ROOT);
	}

	static CertificateDescriptor describe(CertificateInfo info, Instant now) {
		return new CertificateDescriptor(info.source(), info.id(), info.status().name(), info.reason(), info.names(),
				info.subject(), info.issuer(), info.serialNumber(), info.notBefore(), info.notAfter(),
				daysToExpiry(info.notAfter(), now), (info.keyAlgorithm() != null) ? info.keyAlgorithm().name() : null,
				info.sha256Fingerprint());
	}

	private static CertificateDescriptor describe(X509Certificate leaf, String source, String id, Instant now) {
		Instant notBefore = leaf.getNotBefore().toInstant();
		Instant notAfter = leaf.getNotAfter().toInstant();
		CertificateStatus status = now.isAfter(notAfter) ? CertificateStatus.EXPIRED
				: now.isBefore(notBefore) ? CertificateStatus.NOT_YET_VALID : CertificateStatus.SERVING;
		return new CertificateDescriptor(source, id, status.name(), null, dnsNames(leaf),
				leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
				leaf.getSerialNumber().toString(16), notBefore, notAfter, daysToExpiry(notAfter, now),
				KeyAlgorithm.of(leaf.getPublicKey()).name(), fingerprint(leaf));
	}

	private static @Nullable Long daysToExpiry(@Nullable Instant notAfter, Instant now) {
		return (notAfter != null) ? Duration.between(now, notAfter).toDays() : null;
	}

	private static List<String> dnsNames(X509Certificate certificate) {
		try {
			Collection<List<?>> names = certificate.getSubjectAlternativeNames();
			if (names == null) {
				return List.of();
			}
			// Type 2 is dNSName (RFC 5280 §4.2.1.6).
			return names.stream()
				.filter((name) -> Integer.valueOf(2).equals(name.get(0)))
				.map((name) -> String.valueOf(name.get(1)))
				.toList();
		}
		catch (CertificateParsingException ex) {
			return List.of();
		}
	}

	private static String fingerprint(X509Certificate certificate) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
		}
		catch (NoSuchAlgorithmException | CertificateEncodingException ex) {
			throw new IllegalStateException("Cannot fingerprint " + certificate.getSubjectX500Principal(), ex);
		}
	}

	/**
	 * The store's sources and counters.
	 *
	 * @param sources the sources, in order of precedence
	 * @param indexedNames distinct server names (exact names and wildcard domains) served
	 * @param cachedContexts contexts cached for certificates in use
	 * @param loads context loads started
	 * @param loadFailures loads that failed
	 * @param loadTimeouts handshakes that gave up waiting for a load
	 */
	public record StoreDescriptor(List<String> sources, int indexedNames, long cachedContexts, long loads,
			long loadFailures, long loadTimeouts) {
	}

}
