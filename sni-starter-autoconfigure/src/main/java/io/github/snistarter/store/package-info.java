/**
 * Certificate stores: server-name patterns mapped to ready-built
 * {@link javax.net.ssl.SSLContext}s, and the default callback that reads them.
 */
@NullMarked
package io.github.snistarter.store;

import org.jspecify.annotations.NullMarked;
