package io.github.snistarter.store;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.TlsAlert;
import io.github.snistarter.core.HostConsistency;
import io.github.snistarter.core.RateLimitedLog;
import io.github.snistarter.core.ServerNames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default callback: serves the best certificate the {@link CertificateStore} holds
 * for the requested name (see the store for the ranking), the default certificate to
 * clients without SNI, and applies the {@link UnknownNamePolicy} to names no certificate
 * covers.
 * <p>
 * A certificate whose context is not cached yet is loaded under a deadline: when the
 * load takes longer than the store timeout the handshake ends with a fatal
 * {@code internal_error} (80), a server-side failure the client cannot fix, while the
 * load completes in the background for later handshakes. A load that fails also ends
 * with {@code internal_error}; a certificate is never replaced by one that does not
 * cover the name.
 */
public final class CertificateStoreCallback implements ServerNameCallback, HostConsistency {

	private static final Logger logger = LoggerFactory.getLogger(CertificateStoreCallback.class);

	private final CertificateStore store;

	private final BundleCertificateStore defaults;

	private final UnknownNamePolicy unknownNamePolicy;

	private final Duration storeTimeout;

	/** A slow or failing source must not flood the log. */
	private final RateLimitedLog loadWarnings = new RateLimitedLog(logger, Duration.ofSeconds(10));

	/**
	 * Create the callback.
	 * @param store the certificates
	 * @param defaults where the default certificate comes from
	 * @param unknownNamePolicy what names no certificate covers get
	 * @param storeTimeout how long a handshake waits for a certificate to load
	 */
	public CertificateStoreCallback(CertificateStore store, BundleCertificateStore defaults,
			UnknownNamePolicy unknownNamePolicy, Duration storeTimeout) {
		this.store = store;
		this.defaults = defaults;
		this.unknownNamePolicy = unknownNamePolicy;
		this.storeTimeout = storeTimeout;
	}

	@Override
	public SniDecision select(ClientHello clientHello) {
		String serverName = clientHello.serverName();
		Selection selection = (serverName != null) ? this.store.find(serverName, clientHello) : null;
		StoredCertificate certificate = (selection != null) ? selection.certificate() : null;
		if (certificate == null) {
			return (serverName != null && this.unknownNamePolicy == UnknownNamePolicy.REJECT)
					? SniDecision.fail(TlsAlert.UNRECOGNIZED_NAME) : defaultDecision();
		}
		try {
			return SniDecision.use(this.store.context(certificate, this.storeTimeout));
		}
		catch (TimeoutException ex) {
			this.loadWarnings.warn("Certificate " + certificate + " for '" + serverName + "' did not load within "
					+ this.storeTimeout + "; sent internal_error, the load continues for later handshakes", null);
		}
		catch (ExecutionException | RuntimeException ex) {
			Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
			this.loadWarnings.warn("Certificate " + certificate + " for '" + serverName + "' could not be loaded; sent "
					+ "internal_error", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return SniDecision.fail(TlsAlert.INTERNAL_ERROR);
	}

	private SniDecision defaultDecision() {
		StoredCertificate certificate = this.defaults.defaultCertificate();
		return (certificate instanceof BundleCertificate bundle) ? SniDecision.use(bundle.entry().context())
				: SniDecision.useDefault();
	}

	/**
	 * Which certificate a server name gets, for a client that accepts every kind of key.
	 * @param serverName a normalized server name, or {@code null} for a client without
	 * SNI
	 * @return the selection
	 */
	public Selection resolve(@Nullable String serverName) {
		if (serverName == null) {
			return new Selection(this.defaults.defaultCertificate(), MatchRule.DEFAULT);
		}
		Selection found = this.store.find(serverName);
		if (found != null) {
			return found;
		}
		return (this.unknownNamePolicy == UnknownNamePolicy.REJECT) ? new Selection(null, MatchRule.REJECTED)
				: new Selection(this.defaults.defaultCertificate(), MatchRule.DEFAULT);
	}

	@Override
	public boolean sameCertificate(@Nullable String sniName, String hostName) {
		Selection connection;
		Selection request;
		try {
			connection = resolve(normalizedOrNull(sniName));
			request = resolve(normalizedOrNull(hostName));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return connection.rule() != MatchRule.REJECTED && request.rule() != MatchRule.REJECTED
				&& connection.certificate() == request.certificate();
	}

	private static @Nullable String normalizedOrNull(@Nullable String name) {
		if (name == null || name.isEmpty() || ServerNames.isIpLiteral(name)) {
			return null;
		}
		return ServerNames.toALabel(name);
	}

}
