package io.github.snistarter.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Private keys are sealed with AES-256-GCM under a master key, bound to their row and
 * certificate, and errors never show key bytes.
 */
class KeyEncryptionTest {

	private static final byte[] LEAF_SHA256 = new byte[32];

	private static final byte[] PKCS8 = "pretend this is a PKCS#8 private key".getBytes(StandardCharsets.US_ASCII);

	static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	@Test
	void decryptsWhatItEncryptedForTheSameRowAndCertificate() {
		KeyEncryption encryption = KeyEncryption.builder().key("k1", randomKey()).build();
		KeyEncryption.Sealed sealed = encryption.encrypt("shop", LEAF_SHA256, PKCS8);
		assertThat(sealed.keyId()).isEqualTo("k1");
		assertThat(encryption.decrypt("shop", LEAF_SHA256, sealed)).isEqualTo(PKCS8);
	}

	@Test
	void ciphertextHidesThePlaintextAndDiffersEachTime() {
		KeyEncryption encryption = KeyEncryption.builder().key("k1", randomKey()).build();
		byte[] first = encryption.encrypt("shop", LEAF_SHA256, PKCS8).ciphertext();
		byte[] second = encryption.encrypt("shop", LEAF_SHA256, PKCS8).ciphertext();
		assertThat(first).isNotEqualTo(second);
		assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("PKCS#8");
		// format byte + 96-bit nonce + ciphertext + 128-bit tag
		assertThat(first).hasSize(1 + 12 + PKCS8.length + 16);
	}

	@Test
	void aKeyMovedToAnotherRowDoesNotDecrypt() {
		KeyEncryption encryption = KeyEncryption.builder().key("k1", randomKey()).build();
		KeyEncryption.Sealed sealed = encryption.encrypt("shop", LEAF_SHA256, PKCS8);
		assertThatExceptionOfType(KeyDecryptionException.class)
			.isThrownBy(() -> encryption.decrypt("blog", LEAF_SHA256, sealed))
			.withMessageContaining("'blog'")
			.withMessageContaining("does not authenticate");
	}

	@Test
	void aKeyBesideAnotherCertificateDoesNotDecrypt() {
		KeyEncryption encryption = KeyEncryption.builder().key("k1", randomKey()).build();
		KeyEncryption.Sealed sealed = encryption.encrypt("shop", LEAF_SHA256, PKCS8);
		byte[] otherLeaf = new byte[32];
		otherLeaf[0] = 1;
		assertThatExceptionOfType(KeyDecryptionException.class)
			.isThrownBy(() -> encryption.decrypt("shop", otherLeaf, sealed));
	}

	@Test
	void aWrongMasterKeyIsReportedWithoutKeyBytes() {
		String key = randomKey();
		KeyEncryption.Sealed sealed = KeyEncryption.builder()
			.key("k1", key)
			.build()
			.encrypt("shop", LEAF_SHA256, PKCS8);
		KeyEncryption other = KeyEncryption.builder().key("k1", randomKey()).build();
		assertThatExceptionOfType(KeyDecryptionException.class)
			.isThrownBy(() -> other.decrypt("shop", LEAF_SHA256, sealed))
			.withMessageContaining("master key 'k1'")
			.withMessageNotContaining(key);
	}

	@Test
	void anUnknownMasterKeyIdIsNamed() {
		KeyEncryption.Sealed sealed = KeyEncryption.builder()
			.key("old", randomKey())
			.build()
			.encrypt("shop", LEAF_SHA256, PKCS8);
		KeyEncryption rotated = KeyEncryption.builder().key("new", randomKey()).build();
		assertThatExceptionOfType(KeyDecryptionException.class)
			.isThrownBy(() -> rotated.decrypt("shop", LEAF_SHA256, sealed))
			.withMessageContaining("master key 'old', which is not configured");
	}

	@Test
	void duringARotationOldKeysDecryptAndTheActiveKeyEncrypts() {
		String oldKey = randomKey();
		KeyEncryption.Sealed sealed = KeyEncryption.builder()
			.key("k1", oldKey)
			.build()
			.encrypt("shop", LEAF_SHA256, PKCS8);
		KeyEncryption both = KeyEncryption.builder().key("k1", oldKey).key("k2", randomKey()).activeKey("k2").build();
		assertThat(both.decrypt("shop", LEAF_SHA256, sealed)).isEqualTo(PKCS8);
		assertThat(both.encrypt("shop", LEAF_SHA256, PKCS8).keyId()).isEqualTo("k2");
	}

	@Test
	void readsAMasterKeyFromAFile(@TempDir Path directory) throws Exception {
		String key = randomKey();
		Path file = directory.resolve("master.key");
		Files.writeString(file, key + "\n");
		KeyEncryption fromFile = KeyEncryption.builder().keyFile("k1", file).build();
		KeyEncryption fromValue = KeyEncryption.builder().key("k1", key).build();
		assertThat(fromFile.decrypt("shop", LEAF_SHA256, fromValue.encrypt("shop", LEAF_SHA256, PKCS8)))
			.isEqualTo(PKCS8);
	}

	@Test
	void refusesKeysThatAreNotAes256WithoutShowingThem() {
		String short16 = Base64.getEncoder().encodeToString(new byte[16]);
		assertThatIllegalArgumentException().isThrownBy(() -> KeyEncryption.builder().key("k1", short16))
			.withMessageContaining("holds 16 bytes; AES-256 needs 32")
			.withMessageNotContaining(short16);
		assertThatIllegalArgumentException().isThrownBy(() -> KeyEncryption.builder().key("k1", "not base64!"))
			.withMessageContaining("is not base64")
			.withMessageNotContaining("not base64!");
	}

	@Test
	void severalKeysNeedAnActiveOne() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KeyEncryption.builder().key("k1", randomKey()).key("k2", randomKey()).build())
			.withMessageContaining("sni.jdbc.encryption.active-key");
		assertThatIllegalArgumentException().isThrownBy(() -> KeyEncryption.builder().build())
			.withMessageContaining("No master key configured");
	}

}
