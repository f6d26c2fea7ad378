/**
 * The public API: a {@link io.github.snistarter.ServerNameCallback} sees each TLS
 * {@link io.github.snistarter.ClientHello} and returns a
 * {@link io.github.snistarter.SniDecision}; nothing here depends on a particular web
 * server.
 */
@NullMarked
package io.github.snistarter;

import org.jspecify.annotations.NullMarked;
