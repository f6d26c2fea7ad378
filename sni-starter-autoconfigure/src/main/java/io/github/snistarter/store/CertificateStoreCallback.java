package io.github.snistarter.store;

import io.github.snistarter.ClientHello;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.TlsAlert;
import io.github.snistarter.core.HostConsistency;
import io.github.snistarter.core.ServerNames;
import org.jspecify.annotations.Nullable;

/**
 * The default callback: serves the certificate the store holds for the requested name
 * (exact before wildcard), the default certificate to clients without SNI, and applies
 * the {@link UnknownNamePolicy} to names no certificate covers.
 */
public final class CertificateStoreCallback implements ServerNameCallback, HostConsistency {

	private final BundleCertificateStore store;

	private final UnknownNamePolicy unknownNamePolicy;

	public CertificateStoreCallback(BundleCertificateStore store, UnknownNamePolicy unknownNamePolicy) {
		this.store = store;
		this.unknownNamePolicy = unknownNamePolicy;
	}

	@Override
	public SniDecision select(ClientHello clientHello) {
		Selection selection = resolve(clientHello.serverName());
		if (selection.rule() == MatchRule.REJECTED) {
			return SniDecision.fail(TlsAlert.UNRECOGNIZED_NAME);
		}
		CertificateEntry entry = selection.entry();
		return (entry != null) ? SniDecision.use(entry.context()) : SniDecision.useDefault();
	}

	/**
	 * Which certificate a server name gets.
	 * @param serverName a normalized server name, or {@code null} for a client without
	 * SNI
	 * @return the selection
	 */
	public Selection resolve(@Nullable String serverName) {
		if (serverName == null) {
			return new Selection(this.store.defaultEntry(), MatchRule.DEFAULT);
		}
		Selection found = this.store.find(serverName);
		if (found != null) {
			return found;
		}
		return (this.unknownNamePolicy == UnknownNamePolicy.REJECT) ? new Selection(null, MatchRule.REJECTED)
				: new Selection(this.store.defaultEntry(), MatchRule.DEFAULT);
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
				&& connection.entry() == request.entry();
	}

	private static @Nullable String normalizedOrNull(@Nullable String name) {
		if (name == null || name.isEmpty() || ServerNames.isIpLiteral(name)) {
			return null;
		}
		return ServerNames.toALabel(name);
	}

}
