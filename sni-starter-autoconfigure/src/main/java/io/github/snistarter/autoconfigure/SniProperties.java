package io.github.snistarter.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.snistarter.store.UnknownNamePolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

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

	/**
	 * How long a handshake waits for a certificate that is not cached yet to load from
	 * its source. A handshake that waits longer ends with a fatal internal_error (80)
	 * alert; the load continues and serves later handshakes.
	 */
	private Duration storeTimeout = Duration.ofSeconds(2);

	private final Directory directory = new Directory();

	private final Cache cache = new Cache();

	private final Metrics metrics = new Metrics();

	private final Health health = new Health();

	private final Jdbc jdbc = new Jdbc();

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

	public Duration getStoreTimeout() {
		return this.storeTimeout;
	}

	public void setStoreTimeout(Duration storeTimeout) {
		this.storeTimeout = storeTimeout;
	}

	public Directory getDirectory() {
		return this.directory;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Health getHealth() {
		return this.health;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * A directory of certificate files, watched for changes.
	 */
	public static class Directory {

		/**
		 * Directory of PEM files (chain and key in one file, or 'name.crt' with
		 * 'name.key') and PKCS#12 files, including subdirectories. Each certificate
		 * serves the DNS names of its subject alternative names. Not set: no directory
		 * store.
		 */
		private @Nullable Path path;

		/**
		 * How long changes in the directory must have stopped before files are read, so
		 * that a file still being written is not read half-way.
		 */
		private Duration quietPeriod = Duration.ofSeconds(1);

		/**
		 * How often to scan the whole directory even without change events, for file
		 * systems that do not report changes. Only changed files are read again.
		 */
		private Duration rescanInterval = Duration.ofMinutes(1);

		/**
		 * Password of PKCS#12 files and of encrypted PEM private keys.
		 */
		private @Nullable String password;

		public @Nullable Path getPath() {
			return this.path;
		}

		public void setPath(@Nullable Path path) {
			this.path = path;
		}

		public Duration getQuietPeriod() {
			return this.quietPeriod;
		}

		public void setQuietPeriod(Duration quietPeriod) {
			this.quietPeriod = quietPeriod;
		}

		public Duration getRescanInterval() {
			return this.rescanInterval;
		}

		public void setRescanInterval(Duration rescanInterval) {
			this.rescanInterval = rescanInterval;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

	/**
	 * The cache of SSL contexts for the certificates in use.
	 */
	public static class Cache {

		/**
		 * Maximum number of SSL contexts kept for the certificates handshakes use. Idle
		 * certificates take no context; one evicted is built again when next needed.
		 */
		private int maxContexts = 4096;

		/**
		 * Maximum number of certificates loaded at the same time from each source.
		 */
		private int loadThreads = 2;

		public int getMaxContexts() {
			return this.maxContexts;
		}

		public void setMaxContexts(int maxContexts) {
			this.maxContexts = maxContexts;
		}

		public int getLoadThreads() {
			return this.loadThreads;
		}

		public void setLoadThreads(int loadThreads) {
			this.loadThreads = loadThreads;
		}

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

	/**
	 * Micrometer metrics of handshakes and certificates.
	 */
	public static class Metrics {

		/**
		 * Whether to record handshake metrics (sni.handshakes, sni.selection) and
		 * certificate metrics when the application has a MeterRegistry.
		 */
		private boolean enabled = true;

		/**
		 * Whether handshake counters carry a 'server.name' tag. Only names a certificate
		 * was selected for become tag values, at most 'max-server-names' of them; other
		 * handshakes are counted under 'other' (or 'none' without SNI).
		 */
		private boolean serverNameTag = false;

		/**
		 * Most distinct server names that become 'server.name' tag values.
		 */
		private int maxServerNames = 100;

		/**
		 * How often the certificate list behind the expiry gauges is refreshed, and how
		 * soon a certificate that expires while loaded is logged.
		 */
		private Duration certificateRefreshInterval = Duration.ofMinutes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isServerNameTag() {
			return this.serverNameTag;
		}

		public void setServerNameTag(boolean serverNameTag) {
			this.serverNameTag = serverNameTag;
		}

		public int getMaxServerNames() {
			return this.maxServerNames;
		}

		public void setMaxServerNames(int maxServerNames) {
			this.maxServerNames = maxServerNames;
		}

		public Duration getCertificateRefreshInterval() {
			return this.certificateRefreshInterval;
		}

		public void setCertificateRefreshInterval(Duration certificateRefreshInterval) {
			this.certificateRefreshInterval = certificateRefreshInterval;
		}

	}

	/**
	 * The 'sni' health contributor (management.health.sni.enabled turns it off).
	 */
	public static class Health {

		/**
		 * How close to its expiry a certificate is listed under 'expiringCertificates'.
		 * A number without unit is days.
		 */
		@DurationUnit(ChronoUnit.DAYS)
		private Duration certificateValidityWarningThreshold = Duration.ofDays(14);

		public Duration getCertificateValidityWarningThreshold() {
			return this.certificateValidityWarningThreshold;
		}

		public void setCertificateValidityWarningThreshold(Duration certificateValidityWarningThreshold) {
			this.certificateValidityWarningThreshold = certificateValidityWarningThreshold;
		}

	}

	/**
	 * The PostgreSQL certificate store shared by a fleet of replicas (see docs/fleet.md).
	 */
	public static class Jdbc {

		/**
		 * Whether to serve certificates from the PostgreSQL database of the application's
		 * DataSource (table 'sni_certificate'), shared by every replica.
		 */
		private boolean enabled = false;

		/**
		 * Whether to create the store's tables and triggers at start when they are
		 * missing. Otherwise apply
		 * 'classpath:io/github/snistarter/store/jdbc/schema-postgresql.sql' with your
		 * migration tool.
		 */
		private boolean createSchema = false;

		/**
		 * How often to read the store revision, which finds changes whose notification
		 * was missed (changes normally arrive through LISTEN/NOTIFY within milliseconds).
		 */
		private Duration pollInterval = Duration.ofSeconds(5);

		/**
		 * How long one database read may take before the connection counts as broken, and
		 * the longest a certificate load waits for the database.
		 */
		private Duration queryTimeout = Duration.ofSeconds(3);

		/**
		 * Longest wait between two attempts to reconnect to the database. Waits start at
		 * 250 ms and double.
		 */
		private Duration reconnectMaxDelay = Duration.ofSeconds(5);

		private final Encryption encryption = new Encryption();

		private final AdminEndpoint adminEndpoint = new AdminEndpoint();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isCreateSchema() {
			return this.createSchema;
		}

		public void setCreateSchema(boolean createSchema) {
			this.createSchema = createSchema;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getQueryTimeout() {
			return this.queryTimeout;
		}

		public void setQueryTimeout(Duration queryTimeout) {
			this.queryTimeout = queryTimeout;
		}

		public Duration getReconnectMaxDelay() {
			return this.reconnectMaxDelay;
		}

		public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
			this.reconnectMaxDelay = reconnectMaxDelay;
		}

		public Encryption getEncryption() {
			return this.encryption;
		}

		public AdminEndpoint getAdminEndpoint() {
			return this.adminEndpoint;
		}

		/**
		 * Master keys that encrypt private keys in the database (AES-256-GCM).
		 */
		public static class Encryption {

			/**
			 * Id of the master key that encrypts keys written from now on. Required when
			 * several keys are configured, as during a rotation; the others only decrypt.
			 */
			private @Nullable String activeKey;

			/**
			 * Master keys by id. Each is 32 random bytes, base64-encoded ('openssl rand
			 * -base64 32'), given as 'value' or in a 'file'. The id is stored beside each
			 * encrypted key.
			 */
			private Map<String, MasterKey> keys = new LinkedHashMap<>();

			public @Nullable String getActiveKey() {
				return this.activeKey;
			}

			public void setActiveKey(@Nullable String activeKey) {
				this.activeKey = activeKey;
			}

			public Map<String, MasterKey> getKeys() {
				return this.keys;
			}

			public void setKeys(Map<String, MasterKey> keys) {
				this.keys = keys;
			}

		}

		/**
		 * One master key: its value, or the file that holds it.
		 */
		public static class MasterKey {

			/**
			 * The key: 32 bytes, base64-encoded. Prefer 'file' or an environment variable
			 * over a value in a configuration file.
			 */
			private @Nullable String value;

			/**
			 * File that holds the key, base64-encoded, such as a mounted secret.
			 */
			private @Nullable Path file;

			public @Nullable String getValue() {
				return this.value;
			}

			public void setValue(@Nullable String value) {
				this.value = value;
			}

			public @Nullable Path getFile() {
				return this.file;
			}

			public void setFile(@Nullable Path file) {
				this.file = file;
			}

			@Override
			public String toString() {
				return (this.file != null) ? "MasterKey[file=" + this.file + "]" : "MasterKey[value=******]";
			}

		}

		/**
		 * The privileged 'sniadmin' Actuator endpoint that adds, rotates and removes
		 * database certificates.
		 */
		public static class AdminEndpoint {

			/**
			 * Whether to register the 'sniadmin' endpoint. It writes certificates and keys
			 * for the whole fleet: expose it only to operators (see docs/fleet.md).
			 */
			private boolean enabled = false;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

}
