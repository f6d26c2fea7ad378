package io.github.snistarter.core;

import java.util.List;

import io.github.snistarter.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * Told how the selection for each ClientHello ended, for metrics. Called once per
 * connection's ClientHello (full or resumed handshake), on the server's worker thread,
 * after the decision and before the server sends any byte; so it must be cheap, must not
 * block and should not allocate per call. An exception it throws is ignored.
 */
@FunctionalInterface
public interface HandshakeObserver {

	/** Observes nothing. */
	HandshakeObserver NONE = (outcome, alert, serverName, selectionNanos) -> {
	};

	/**
	 * One observer that tells all of the given ones.
	 * @param observers the observers
	 * @return {@link #NONE} for none, the observer itself for one
	 */
	static HandshakeObserver of(List<? extends HandshakeObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		HandshakeObserver[] all = observers.toArray(HandshakeObserver[]::new);
		return (outcome, alert, serverName, selectionNanos) -> {
			for (HandshakeObserver observer : all) {
				observer.selected(outcome, alert, serverName, selectionNanos);
			}
		};
	}

	/**
	 * One ClientHello's outcome.
	 * @param outcome how the selection ended
	 * @param alert the fatal alert sent, {@code null} when the handshake continues
	 * @param serverName the normalized server name (lower-case A-label), {@code null}
	 * without SNI, for an IP address literal, and for a name or ClientHello that was
	 * refused as malformed
	 * @param selectionNanos time from the complete ClientHello to the decision applied:
	 * parsing it, checking the name, running the callback and creating the selected
	 * context's engine, in nanoseconds
	 */
	void selected(HandshakeOutcome outcome, @Nullable TlsAlert alert, @Nullable String serverName,
			long selectionNanos);

}
