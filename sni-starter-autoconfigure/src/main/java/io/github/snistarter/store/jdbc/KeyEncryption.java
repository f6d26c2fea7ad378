package io.github.snistarter.store.jdbc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Encrypts private keys before they reach the database, so that a dump of the database
 * alone never reveals one: AES-256-GCM under a master key kept outside the database,
 * with a fresh random 96-bit nonce per encryption.
 * <p>
 * The associated data binds each ciphertext to its row and certificate: the row id and
 * the SHA-256 of the leaf certificate. A ciphertext copied to another row, or left beside
 * a different certificate, fails authentication instead of serving a wrong key.
 * <p>
 * Several master keys can be configured, each with an id that is stored beside every
 * ciphertext. New keys are encrypted with the active one; the others only decrypt, which
 * is how a master key is rotated: add the new key and make it active, re-encrypt
 * ({@link JdbcCertificates#reencrypt()}), then remove the old key. Nothing here logs or
 * prints key bytes.
 */
public final class KeyEncryption {

	/** First byte of every ciphertext: the layout version. */
	private static final byte FORMAT = 1;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final int KEY_BYTES = 32;

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final SecureRandom random = new SecureRandom();

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	private final String activeKeyId;

	private final Map<String, SecretKey> keys;

	private KeyEncryption(String activeKeyId, Map<String, SecretKey> keys) {
		this.activeKeyId = activeKeyId;
		this.keys = Map.copyOf(keys);
	}

	/**
	 * Start configuring the master keys.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The id of the key new ciphertexts are made with.
	 * @return the active key's id
	 */
	public String activeKeyId() {
		return this.activeKeyId;
	}

	/**
	 * The ids of every configured key.
	 * @return the ids
	 */
	public Set<String> keyIds() {
		return this.keys.keySet();
	}

	/**
	 * Encrypt a private key with the active master key.
	 * @param rowId the row the ciphertext belongs to
	 * @param leafSha256 SHA-256 of the DER-encoded leaf certificate
	 * @param pkcs8 the private key's PKCS#8 encoding
	 * @return the ciphertext and the id of the key that made it
	 */
	Sealed encrypt(String rowId, byte[] leafSha256, byte[] pkcs8) {
		byte[] nonce = new byte[NONCE_BYTES];
		random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData(rowId, leafSha256));
			byte[] sealed = cipher.doFinal(pkcs8);
			return new Sealed(this.activeKeyId, ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
				.put(FORMAT)
				.put(nonce)
				.put(sealed)
				.array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot encrypt the private key of certificate '" + rowId + "'", ex);
		}
	}

	/**
	 * Decrypt a private key.
	 * @param rowId the row the ciphertext was read from
	 * @param leafSha256 SHA-256 of the DER-encoded leaf certificate of that row
	 * @param sealed the ciphertext and the id of its key
	 * @return the PKCS#8 encoding; the caller clears it after use
	 * @throws KeyDecryptionException when the key id is not configured or the ciphertext
	 * does not authenticate
	 */
	byte[] decrypt(String rowId, byte[] leafSha256, Sealed sealed) {
		SecretKey key = this.keys.get(sealed.keyId());
		if (key == null) {
			throw new KeyDecryptionException("the private key of certificate '" + rowId + "' is encrypted with master key '"
					+ sealed.keyId() + "', which is not configured (sni.jdbc.encryption.keys has " + keyIds() + ")");
		}
		byte[] bytes = sealed.ciphertext();
		if (bytes.length < 1 + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != FORMAT) {
			throw new KeyDecryptionException(
					"the private key of certificate '" + rowId + "' is not in the expected encrypted format");
		}
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
			cipher.updateAAD(associatedData(rowId, leafSha256));
			return cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
		}
		catch (AEADBadTagException ex) {
			throw new KeyDecryptionException("the private key of certificate '" + rowId + "' does not authenticate "
					+ "with master key '" + sealed.keyId() + "': a wrong master key, or a key or certificate changed "
					+ "or moved outside the starter");
		}
		catch (GeneralSecurityException ex) {
			throw new KeyDecryptionException("the private key of certificate '" + rowId + "' cannot be decrypted ("
					+ ex.getClass().getSimpleName() + ")");
		}
	}

	private static byte[] associatedData(String rowId, byte[] leafSha256) {
		byte[] id = rowId.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(4 + id.length + leafSha256.length)
			.putInt(id.length)
			.put(id)
			.put(leafSha256)
			.array();
	}

	@Override
	public String toString() {
		return "KeyEncryption[active=" + this.activeKeyId + ", keys=" + keyIds() + "]";
	}

	/**
	 * An encrypted private key as stored.
	 *
	 * @param keyId the id of the master key that encrypted it
	 * @param ciphertext format byte, nonce, ciphertext and tag
	 */
	record Sealed(String keyId, byte[] ciphertext) {

		@Override
		public String toString() {
			return "encrypted private key (master key '" + this.keyId + "')";
		}

	}

	/**
	 * Collects master keys. Each is 32 bytes (AES-256), given base64-encoded, directly or
	 * in a file (as {@code openssl rand -base64 32} writes it).
	 */
	public static final class Builder {

		private final Map<String, SecretKey> keys = new LinkedHashMap<>();

		private @Nullable String activeKeyId;

		private Builder() {
		}

		/**
		 * Add a master key given as base64.
		 * @param id the key's id, stored beside each ciphertext it makes
		 * @param base64 the 32 key bytes, base64-encoded
		 * @return this builder
		 * @throws IllegalArgumentException when the value is not 32 base64-encoded bytes;
		 * the message names the key id, never the value
		 */
		public Builder key(String id, String base64) {
			return add(id, decode(id, base64, "its value"));
		}

		/**
		 * Add a master key read from a file that holds it base64-encoded.
		 * @param id the key's id
		 * @param file the file
		 * @return this builder
		 * @throws IllegalArgumentException when the file cannot be read or does not hold 32
		 * base64-encoded bytes
		 */
		public Builder keyFile(String id, Path file) {
			String text;
			try {
				text = Files.readString(file, StandardCharsets.US_ASCII);
			}
			catch (IOException ex) {
				throw new IllegalArgumentException("Master key '" + id + "': file " + file + " cannot be read ("
						+ ex.getClass().getSimpleName() + ")");
			}
			return add(id, decode(id, text, "file " + file));
		}

		/**
		 * Choose the key that encrypts; needed when more than one key is configured.
		 * @param id the id of a configured key
		 * @return this builder
		 */
		public Builder activeKey(@Nullable String id) {
			this.activeKeyId = id;
			return this;
		}

		/**
		 * Build the encryption.
		 * @return the encryption
		 * @throws IllegalArgumentException when no key is configured, or several without an
		 * active one, or the active one is not configured
		 */
		public KeyEncryption build() {
			if (this.keys.isEmpty()) {
				throw new IllegalArgumentException("No master key configured: set sni.jdbc.encryption.keys.<id>.value "
						+ "(base64 of 32 random bytes) or sni.jdbc.encryption.keys.<id>.file");
			}
			String active = this.activeKeyId;
			if (active == null || active.isBlank()) {
				if (this.keys.size() > 1) {
					throw new IllegalArgumentException("Master keys " + this.keys.keySet() + " are configured: choose "
							+ "the one that encrypts with sni.jdbc.encryption.active-key");
				}
				active = this.keys.keySet().iterator().next();
			}
			if (!this.keys.containsKey(active)) {
				throw new IllegalArgumentException("sni.jdbc.encryption.active-key is '" + active
						+ "', but the configured master keys are " + this.keys.keySet());
			}
			return new KeyEncryption(active, this.keys);
		}

		private Builder add(String id, byte[] key) {
			if (id.isBlank() || id.length() > 64) {
				throw new IllegalArgumentException("Master key id '" + id + "' must have 1 to 64 characters");
			}
			try {
				this.keys.put(id, new SecretKeySpec(key, "AES"));
			}
			finally {
				Arrays.fill(key, (byte) 0);
			}
			return this;
		}

		private static byte[] decode(String id, String base64, String where) {
			byte[] key;
			try {
				key = Base64.getDecoder().decode(WHITESPACE.matcher(base64).replaceAll(""));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Master key '" + id + "': " + where + " is not base64");
			}
			if (key.length != KEY_BYTES) {
				int length = key.length;
				Arrays.fill(key, (byte) 0);
				throw new IllegalArgumentException("Master key '" + id + "': " + where + " holds " + length
						+ " bytes; AES-256 needs 32 (make one with: openssl rand -base64 32)");
			}
			return key;
		}

	}

}
