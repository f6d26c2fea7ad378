package io.github.snistarter.core;

/**
 * A server name that passed RFC 6066 and IDNA checks.
 *
 * @param aLabel lower-case ASCII form, for example {@code xn--bcher-kva.example}
 * @param unicode the Unicode form, for example {@code bücher.example}
 */
record ServerName(String aLabel, String unicode) {
}
