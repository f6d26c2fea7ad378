package io.github.snistarter.store;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A private key kept compactly while its certificate is idle: its PKCS#8 encoding,
 * decoded again when a context is built. Keys that cannot be exported (for example from
 * a hardware token) are kept as they are. {@link #toString()} never shows key bytes.
 */
final class StoredKey {

	private final String algorithm;

	private final byte @Nullable [] pkcs8;

	private final @Nullable PrivateKey key;

	private StoredKey(String algorithm, byte @Nullable [] pkcs8, @Nullable PrivateKey key) {
		this.algorithm = algorithm;
		this.pkcs8 = pkcs8;
		this.key = key;
	}

	static StoredKey of(PrivateKey key) {
		byte[] encoded = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
		return (encoded != null) ? new StoredKey(key.getAlgorithm(), encoded, null)
				: new StoredKey(key.getAlgorithm(), null, key);
	}

	/**
	 * A key kept as its PKCS#8 encoding, parsed when a context is built.
	 * @param algorithm the JCA algorithm name
	 * @param pkcs8 the encoding
	 * @return the stored key
	 */
	static StoredKey of(String algorithm, byte[] pkcs8) {
		return new StoredKey(algorithm, pkcs8, null);
	}

	PrivateKey toPrivateKey() throws GeneralSecurityException {
		PrivateKey kept = this.key;
		byte[] encoded = this.pkcs8;
		if (kept != null || encoded == null) {
			return Objects.requireNonNull(kept);
		}
		return KeyFactory.getInstance(this.algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoded));
	}

	@Override
	public String toString() {
		return this.algorithm + " private key";
	}

}
