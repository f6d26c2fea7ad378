package io.github.snistarter.store;

import org.jspecify.annotations.Nullable;

/**
 * Which certificate a server name gets, and by which rule.
 *
 * @param certificate the certificate, or {@code null} for {@link MatchRule#REJECTED} and
 * for {@link MatchRule#DEFAULT} when the connector's own default certificate applies
 * @param rule the rule that chose it
 */
public record Selection(@Nullable StoredCertificate certificate, MatchRule rule) {
}
