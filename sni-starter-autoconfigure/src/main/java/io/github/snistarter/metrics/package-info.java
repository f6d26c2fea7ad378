/**
 * Micrometer metrics: handshakes by outcome and alert, selection time, the certificate
 * store's cache, and days to expiry per certificate.
 */
@NullMarked
package io.github.snistarter.metrics;

import org.jspecify.annotations.NullMarked;
