/**
 * Certificate stores: the {@link io.github.snistarter.store.CertificateStore} that
 * merges every {@link io.github.snistarter.store.CertificateSource} (SSL bundles, a
 * watched directory, the runtime API, and sources an application adds) into one index by
 * server name and caches the contexts of the certificates in use, and the default
 * callback that serves it.
 */
@NullMarked
package io.github.snistarter.store;

import org.jspecify.annotations.NullMarked;
