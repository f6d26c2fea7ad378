package io.github.snistarter.store.jdbc;

/**
 * A private key read from the database that cannot be decrypted. The message names the
 * row and the reason, never key material.
 */
final class KeyDecryptionException extends RuntimeException {

	KeyDecryptionException(String message) {
		super("Cannot decrypt: " + message);
	}

}
