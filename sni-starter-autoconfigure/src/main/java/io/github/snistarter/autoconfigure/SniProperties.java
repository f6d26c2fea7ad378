package io.github.snistarter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.snistarter.store.UnknownNamePolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of per-SNI certificate selection.
 */
@ConfigurationProperties("sni")
public class SniProperties {

	/**
	 * Whether to select the certificate for each TLS handshake from the server name the
	 * client sent.
	 */
	private boolean enabled = true;

	/**
	 * What a handshake gets when no certificate covers the requested server name:
	 * 'default' serves the default certificate, 'reject' ends the handshake with a fatal
	 * unrecognized_name (112) alert.
	 */
	private UnknownNamePolicy unknownName = UnknownNamePolicy.DEFAULT;

	/**
	 * Name of the SSL bundle served to clients that send no server name, and to unknown
	 * names under the 'default' policy. When not set, the server's own certificate
	 * (server.ssl.*) is used.
	 */
	private @Nullable String defaultBundle;

	/**
	 * Server-name patterns mapped to SSL bundles (spring.ssl.bundle.*). A pattern is an
	 * exact name ('api.example.com') or a wildcard ('*.example.com') that covers exactly
	 * one further label. An exact name wins over a wildcard.
	 */
	private List<ServerNameBundle> serverNameBundles = new ArrayList<>();

	/**
	 * Minimum time between two log lines about failing handshakes (a callback that
	 * throws). Lines in between are counted and the count is logged with the next one.
	 */
	private Duration failureLogInterval = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public UnknownNamePolicy getUnknownName() {
		return this.unknownName;
	}

	public void setUnknownName(UnknownNamePolicy unknownName) {
		this.unknownName = unknownName;
	}

	public @Nullable String getDefaultBundle() {
		return this.defaultBundle;
	}

	public void setDefaultBundle(@Nullable String defaultBundle) {
		this.defaultBundle = defaultBundle;
	}

	public List<ServerNameBundle> getServerNameBundles() {
		return this.serverNameBundles;
	}

	public void setServerNameBundles(List<ServerNameBundle> serverNameBundles) {
		this.serverNameBundles = serverNameBundles;
	}

	public Duration getFailureLogInterval() {
		return this.failureLogInterval;
	}

	public void setFailureLogInterval(Duration failureLogInterval) {
		this.failureLogInterval = failureLogInterval;
	}

	/**
	 * One server-name pattern and the SSL bundle that serves it.
	 */
	public static class ServerNameBundle {

		/**
		 * Server name ('api.example.com') or wildcard pattern ('*.example.com').
		 */
		private @Nullable String serverName;

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.pem.* or spring.ssl.bundle.jks.*)
		 * whose certificate serves the name. The certificate must cover the name.
		 */
		private @Nullable String bundle;

		public @Nullable String getServerName() {
			return this.serverName;
		}

		public void setServerName(@Nullable String serverName) {
			this.serverName = serverName;
		}

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
