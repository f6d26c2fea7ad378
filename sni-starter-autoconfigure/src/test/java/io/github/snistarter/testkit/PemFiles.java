package io.github.snistarter.testkit;

import java.nio.file.Path;

/**
 * Paths of a certificate chain PEM file and its private key PEM file.
 *
 * @param certificate the {@code .crt} file: the leaf first, then the issuing CA
 * @param privateKey the {@code .key} file: an unencrypted PKCS#8 {@code PRIVATE KEY}
 */
public record PemFiles(Path certificate, Path privateKey) {
}
