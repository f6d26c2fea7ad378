package io.github.snistarter.store;

/**
 * Counters of a {@link CertificateStore}, ready to be exported as metrics.
 *
 * @param indexedNames distinct server names (exact names and wildcard domains) the store
 * serves
 * @param cachedContexts contexts currently cached for certificates in use
 * @param loads context loads started: the only calls that reach a source's backing
 * store (a file, a database); one per certificate version brought into use
 * @param loadFailures loads that failed
 * @param loadTimeouts handshakes that gave up waiting for a load
 * @param cacheHits handshakes whose certificate's context was cached
 * @param cacheMisses handshakes whose certificate's context had to be loaded (or was
 * being loaded)
 */
public record StoreStatistics(int indexedNames, long cachedContexts, long loads, long loadFailures,
		long loadTimeouts, long cacheHits, long cacheMisses) {
}
