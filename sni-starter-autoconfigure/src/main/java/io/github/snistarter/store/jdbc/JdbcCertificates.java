package io.github.snistarter.store.jdbc;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import javax.sql.DataSource;

import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateStatus;
import io.github.snistarter.store.CertificateValidation;
import io.github.snistarter.store.InvalidCertificateException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Adds, rotates and removes the certificates of the fleet's database. A change is
 * written once and reaches every replica through the database's notification (see
 * {@link JdbcCertificateSource}); this replica included.
 * <p>
 * Material is checked like every other source's before it is written: the key matches
 * the certificate, the chain is in order, and the certificate names at least one host;
 * the row serves the DNS names of the certificate's subject alternative names. The
 * private key is encrypted with the active master key ({@link KeyEncryption}); it never
 * reaches the database, a log or an exception message in clear.
 *
 * <pre class="code">
 * jdbcCertificates.add("shop", chainPem, privateKeyPem);
 * jdbcCertificates.rotate("shop", renewedChainPem, renewedKeyPem);
 * jdbcCertificates.remove("shop");
 * </pre>
 */
public final class JdbcCertificates {

	private static final Logger logger = LoggerFactory.getLogger(JdbcCertificates.class);

	private static final int MAX_ID_LENGTH = 200;

	private final JdbcTemplate jdbc;

	private final KeyEncryption encryption;

	/**
	 * Create the admin API.
	 * @param dataSource the database shared by the fleet
	 * @param encryption the master keys
	 */
	public JdbcCertificates(DataSource dataSource, KeyEncryption encryption) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.encryption = encryption;
	}

	/**
	 * Add a certificate.
	 * @param id the row id, chosen by the caller (a tenant, a host name), 1 to 200
	 * characters without control characters
	 * @param certificateChainPem the certificate chain, leaf first
	 * @param privateKeyPem the private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted)
	 * @return the certificate as it is now stored
	 * @throws InvalidCertificateException when the material cannot be served
	 * @throws IllegalArgumentException when the id is invalid or already used
	 */
	public CertificateInfo add(String id, String certificateChainPem, String privateKeyPem) {
		return insert(check(id, certificates(id, certificateChainPem), privateKey(id, privateKeyPem)));
	}

	/**
	 * Add a certificate given as a key store entry.
	 * @param id the row id
	 * @param entry the private key and its certificate chain, leaf first
	 * @return the certificate as it is now stored
	 * @throws InvalidCertificateException when the material cannot be served
	 * @throws IllegalArgumentException when the id is invalid or already used
	 */
	public CertificateInfo add(String id, KeyStore.PrivateKeyEntry entry) {
		return insert(check(id, certificates(id, entry.getCertificateChain()), entry.getPrivateKey()));
	}

	/**
	 * Replace a certificate and its key, for example with its renewal. Every replica
	 * serves the new certificate from its next handshake for the names; connections
	 * already open keep the old one.
	 * @param id the row id
	 * @param certificateChainPem the new chain, leaf first
	 * @param privateKeyPem the new private key
	 * @return the certificate as it is now stored
	 * @throws InvalidCertificateException when the material cannot be served; the
	 * previous certificate stays
	 * @throws IllegalArgumentException when no certificate has this id
	 */
	public CertificateInfo rotate(String id, String certificateChainPem, String privateKeyPem) {
		return update(check(id, certificates(id, certificateChainPem), privateKey(id, privateKeyPem)));
	}

	/**
	 * Replace a certificate and its key with a key store entry.
	 * @param id the row id
	 * @param entry the new private key and certificate chain
	 * @return the certificate as it is now stored
	 * @throws InvalidCertificateException when the material cannot be served; the
	 * previous certificate stays
	 * @throws IllegalArgumentException when no certificate has this id
	 */
	public CertificateInfo rotate(String id, KeyStore.PrivateKeyEntry entry) {
		return update(check(id, certificates(id, entry.getCertificateChain()), entry.getPrivateKey()));
	}

	/**
	 * Add a certificate, or rotate the one with this id.
	 * @param id the row id
	 * @param certificateChainPem the chain, leaf first
	 * @param privateKeyPem the private key
	 * @return the certificate as it is now stored
	 * @throws InvalidCertificateException when the material cannot be served; a
	 * previous certificate with this id stays
	 * @throws IllegalArgumentException when the id is invalid
	 */
	public CertificateInfo put(String id, String certificateChainPem, String privateKeyPem) {
		Checked checked = check(id, certificates(id, certificateChainPem), privateKey(id, privateKeyPem));
		Long version = this.jdbc
			.execute((ConnectionCallback<Long>) (connection) -> CertificateTable.upsert(connection, checked.row()));
		logger.info("Stored database certificate '{}' (version {}) for {}", id, version, checked.row().names());
		return checked.info();
	}

	/**
	 * Remove a certificate: every replica stops serving it from its next handshake for
	 * the names.
	 * @param id the row id
	 * @return whether a certificate was removed
	 */
	public boolean remove(String id) {
		Boolean removed = this.jdbc
			.execute((ConnectionCallback<Boolean>) (connection) -> CertificateTable.delete(connection, id));
		if (Boolean.TRUE.equals(removed)) {
			logger.info("Removed database certificate '{}'", id);
			return true;
		}
		return false;
	}

	/**
	 * Re-encrypt with the active master key every private key encrypted with another
	 * one: the middle step of a master-key rotation. Rows written meanwhile are skipped,
	 * as they use the active key already; run it again until it returns 0.
	 * @return how many keys were re-encrypted
	 * @throws IllegalStateException when a key cannot be decrypted with the configured
	 * master keys; the message names the row
	 */
	public int reencrypt() {
		String active = this.encryption.activeKeyId();
		List<CertificateTable.SealedRow> rows = this.jdbc.execute(
				(ConnectionCallback<List<CertificateTable.SealedRow>>) (connection) -> CertificateTable
					.sealedWithOtherKeys(connection, active));
		int count = 0;
		for (CertificateTable.SealedRow row : (rows != null) ? rows : List.<CertificateTable.SealedRow>of()) {
			String origin = JdbcCertificateSource.origin(row.id());
			byte[] leafSha256 = leafSha256(origin, JdbcCertificateSource.chain(origin, row.chainPem()).get(0));
			byte[] pkcs8 = this.encryption.decrypt(row.id(), leafSha256, row.key());
			KeyEncryption.Sealed sealed;
			try {
				sealed = this.encryption.encrypt(row.id(), leafSha256, pkcs8);
			}
			finally {
				Arrays.fill(pkcs8, (byte) 0);
			}
			Boolean updated = this.jdbc.execute((ConnectionCallback<Boolean>) (connection) -> CertificateTable
				.updateKey(connection, row.id(), row.version(), sealed));
			if (Boolean.TRUE.equals(updated)) {
				count++;
			}
		}
		logger.info("Re-encrypted {} database private keys with master key '{}'", count, active);
		return count;
	}

	private CertificateInfo insert(Checked checked) {
		String id = checked.row().id();
		Long version = this.jdbc
			.execute((ConnectionCallback<@Nullable Long>) (connection) -> CertificateTable.insert(connection,
					checked.row()));
		if (version == null) {
			throw new IllegalArgumentException("A certificate with id '" + id + "' exists already; rotate it instead");
		}
		logger.info("Added database certificate '{}' (version {}) for {}", id, version, checked.row().names());
		return checked.info();
	}

	private CertificateInfo update(Checked checked) {
		String id = checked.row().id();
		Long version = this.jdbc
			.execute((ConnectionCallback<@Nullable Long>) (connection) -> CertificateTable.update(connection,
					checked.row()));
		if (version == null) {
			throw new IllegalArgumentException("No database certificate has id '" + id + "'");
		}
		logger.info("Rotated database certificate '{}' (version {}) for {}", id, version, checked.row().names());
		return checked.info();
	}

	private Checked check(String id, List<X509Certificate> chain, PrivateKey key) {
		checkId(id);
		String origin = JdbcCertificateSource.origin(id);
		List<String> names = CertificateValidation.check(origin, chain, key);
		if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
			throw new InvalidCertificateException(origin, "its private key cannot be exported (format "
					+ key.getFormat() + "), so it cannot be stored");
		}
		X509Certificate leaf = chain.get(0);
		LeafSummary summary;
		try {
			summary = LeafSummary.of(leaf);
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidCertificateException(origin, "its certificate cannot be encoded (" + ex.getMessage() + ")");
		}
		byte[] pkcs8 = key.getEncoded();
		KeyEncryption.Sealed sealed;
		try {
			sealed = this.encryption.encrypt(id, summary.sha256(), pkcs8);
		}
		finally {
			Arrays.fill(pkcs8, (byte) 0);
		}
		Instant now = Instant.now();
		if (now.isAfter(summary.notAfter()) || now.isBefore(summary.notBefore())) {
			logger.warn("Database certificate '{}' for {} is outside its validity period ({} to {}); it is served only "
					+ "to names no valid certificate covers", id, names, summary.notBefore(), summary.notAfter());
		}
		CertificateTable.NewRow row = new CertificateTable.NewRow(id, names, summary.notBefore(), summary.notAfter(),
				summary.keyAlgorithm().name(), toPem(chain), sealed);
		CertificateStatus status = now.isAfter(summary.notAfter()) ? CertificateStatus.EXPIRED
				: now.isBefore(summary.notBefore()) ? CertificateStatus.NOT_YET_VALID : CertificateStatus.SERVING;
		CertificateInfo info = new CertificateInfo("database", id, status, null, names, summary.subject(),
				summary.issuer(), summary.serialNumber(), summary.notBefore(), summary.notAfter(),
				summary.keyAlgorithm(), summary.fingerprint());
		return new Checked(row, info);
	}

	private static void checkId(String id) {
		if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
			throw new IllegalArgumentException("A certificate id has 1 to " + MAX_ID_LENGTH
					+ " characters and no control characters");
		}
	}

	private static byte[] leafSha256(String origin, X509Certificate leaf) {
		try {
			return LeafSummary.sha256(leaf);
		}
		catch (GeneralSecurityException ex) {
			throw new InvalidCertificateException(origin, "its certificate cannot be encoded (" + ex.getMessage() + ")");
		}
	}

	private static List<X509Certificate> certificates(String id, String pem) {
		try {
			return PemContent.of(pem).getCertificates();
		}
		catch (RuntimeException ex) {
			throw new InvalidCertificateException(JdbcCertificateSource.origin(id),
					"its certificate PEM cannot be read (" + ex.getMessage() + ")");
		}
	}

	private static PrivateKey privateKey(String id, String pem) {
		PrivateKey key;
		try {
			key = PemContent.of(pem).getPrivateKey();
		}
		catch (RuntimeException ex) {
			// Spring's parser names the format problem, never the key bytes.
			throw new InvalidCertificateException(JdbcCertificateSource.origin(id),
					"its private key PEM cannot be read (" + ex.getMessage() + ")");
		}
		if (key == null) {
			throw new InvalidCertificateException(JdbcCertificateSource.origin(id), "its private key PEM holds no key");
		}
		return key;
	}

	private static List<X509Certificate> certificates(String id, Certificate[] chain) {
		List<X509Certificate> certificates = new ArrayList<>(chain.length);
		for (Certificate certificate : chain) {
			if (!(certificate instanceof X509Certificate x509)) {
				throw new InvalidCertificateException(JdbcCertificateSource.origin(id),
						"its chain holds a " + certificate.getType() + " certificate, not X.509");
			}
			certificates.add(x509);
		}
		return certificates;
	}

	/** The chain as the table stores it: PEM blocks, leaf first, nothing else. */
	private static String toPem(List<X509Certificate> chain) {
		Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] { '\n' });
		StringBuilder pem = new StringBuilder();
		for (X509Certificate certificate : chain) {
			try {
				pem.append("-----BEGIN CERTIFICATE-----\n")
					.append(encoder.encodeToString(certificate.getEncoded()))
					.append("\n-----END CERTIFICATE-----\n");
			}
			catch (CertificateEncodingException ex) {
				throw new IllegalStateException("Cannot encode " + certificate.getSubjectX500Principal(), ex);
			}
		}
		return pem.toString();
	}

	private record Checked(CertificateTable.NewRow row, CertificateInfo info) {
	}

}
