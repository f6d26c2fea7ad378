package io.github.snistarter;

import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * What a {@link ServerNameCallback} decided for one handshake. There are exactly three
 * outcomes:
 * <ul>
 * <li>{@link #use(SSLContext)}: the handshake continues with that context's
 * certificate, key, trust material and session cache. The connector's enabled protocols,
 * cipher suites, client-auth mode and ALPN protocols still apply.</li>
 * <li>{@link #useDefault()}: the handshake continues exactly as the connector would have
 * run it without a callback. Returning {@code null} from a callback means the same.</li>
 * <li>{@link #fail(TlsAlert)}: the server sends that fatal alert before any other byte,
 * then closes the connection. No certificate is sent.</li>
 * </ul>
 */
public sealed interface SniDecision {

	/**
	 * Continue the handshake with the given context.
	 * @param context the context whose key material serves the connection
	 * @return the decision
	 */
	static SniDecision use(SSLContext context) {
		return new UseContext(context);
	}

	/**
	 * Continue the handshake with the connector's default context.
	 * @return the decision
	 */
	static SniDecision useDefault() {
		return UseDefault.INSTANCE;
	}

	/**
	 * End the handshake with a fatal alert.
	 * @param alert the alert the client receives
	 * @return the decision
	 */
	static SniDecision fail(TlsAlert alert) {
		return new Fail(alert);
	}

	/**
	 * Use a specific context.
	 * @param context the context
	 */
	record UseContext(SSLContext context) implements SniDecision {

		public UseContext {
			Objects.requireNonNull(context, "context");
		}

	}

	/** Use the connector's default context. */
	final class UseDefault implements SniDecision {

		static final UseDefault INSTANCE = new UseDefault();

		private UseDefault() {
		}

		@Override
		public String toString() {
			return "UseDefault";
		}

	}

	/**
	 * Send a fatal alert.
	 * @param alert the alert
	 */
	record Fail(TlsAlert alert) implements SniDecision {

		public Fail {
			Objects.requireNonNull(alert, "alert");
		}

	}

}
