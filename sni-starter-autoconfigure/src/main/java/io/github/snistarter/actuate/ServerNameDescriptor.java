package io.github.snistarter.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * Which certificate a server name gets, and why: the answer of
 * {@code /actuator/sni/{name}}.
 *
 * @param input the name as asked
 * @param serverName the name a handshake works with (lower-case A-label), {@code null}
 * when it counts as no SNI (an IP address) or is refused as malformed
 * @param unicodeServerName the same name in Unicode
 * @param rule {@code EXACT}, {@code WILDCARD}, {@code DEFAULT} or {@code REJECTED}
 * @param alert the fatal alert a client sending this name gets, such as
 * {@code unrecognized_name}; {@code null} when it gets a certificate
 * @param reason the rule in words
 * @param certificate the certificate served, {@code null} when rejected
 * @param unknownName the unknown-name policy in force: {@code default} or {@code reject}
 * @param callback the active callback: {@code store} (the certificate store, so this
 * answer is what handshakes get), {@code custom} (the application's own callback, which
 * may decide otherwise) or {@code none} (removed: every handshake gets the default)
 * @param note a caveat about this answer, {@code null} when there is none
 */
public record ServerNameDescriptor(String input, @Nullable String serverName, @Nullable String unicodeServerName,
		String rule, @Nullable String alert, String reason, @Nullable CertificateDescriptor certificate,
		String unknownName, String callback, @Nullable String note) implements OperationResponseBody {
}
