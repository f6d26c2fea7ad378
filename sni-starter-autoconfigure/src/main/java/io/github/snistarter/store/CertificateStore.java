package io.github.snistarter.store;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLContext;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.github.snistarter.ClientHello;
import org.jspecify.annotations.Nullable;

/**
 * The certificates of several {@link CertificateSource sources}, merged into one index
 * by server name and ranked per handshake; the contexts of the certificates in use,
 * built on demand and cached with a bound.
 * <p>
 * <b>Precedence.</b> Sources are merged, then ranked: whichever source holds it, a
 * valid certificate beats an expired one, an exact name beats a wildcard, a certificate
 * the client can use beats one it cannot, and the later {@code notAfter} wins. Only
 * certificates equal in all of that are ordered by source, in the order given to the
 * constructor (the auto-configuration uses: runtime API, directory, other sources,
 * bundles).
 * <p>
 * <b>Cost.</b> A lookup is two hash lookups in memory; a name no certificate serves
 * costs no memory and never reaches a source. A certificate's context is built the first
 * time a handshake needs it, on a small loader pool per source, once however many
 * handshakes wait for it, and kept in a cache of bounded size; a replaced or removed
 * certificate's context is dropped.
 */
public final class CertificateStore implements Closeable {

	private static final int LOAD_QUEUE = 256;

	/**
	 * How long a failed load is remembered: handshakes for its names meanwhile fail at
	 * once instead of each asking the failing source again.
	 */
	public static final Duration FAILED_LOAD_RETRY = Duration.ofSeconds(1);

	private final List<CertificateSource> sources;

	private final CertificateContextFactory contexts;

	private final ServerNameIndex index = new ServerNameIndex();

	private final CandidateRanking ranking;

	private final AsyncCache<StoredCertificate, Loaded> cache;

	private final Map<CertificateSource, ThreadPoolExecutor> loaders = new IdentityHashMap<>();

	private final Clock clock;

	private final LongAdder loads = new LongAdder();

	private final LongAdder loadFailures = new LongAdder();

	private final LongAdder loadTimeouts = new LongAdder();

	/**
	 * Create a store and open its sources, which publish what they hold before this
	 * constructor returns.
	 * @param sources the sources, in order of precedence for otherwise equal certificates
	 * @param contexts builds contexts from chains and keys
	 * @param maxContexts how many contexts to keep cached at most
	 * @param loadThreads how many loads may run at once per source
	 */
	public CertificateStore(List<? extends CertificateSource> sources, CertificateContextFactory contexts,
			int maxContexts, int loadThreads) {
		this(sources, contexts, maxContexts, loadThreads, Clock.systemUTC());
	}

	CertificateStore(List<? extends CertificateSource> sources, CertificateContextFactory contexts, int maxContexts,
			int loadThreads, Clock clock) {
		this.sources = List.copyOf(sources);
		this.contexts = contexts;
		this.ranking = new CandidateRanking(this.sources);
		this.clock = clock;
		// Weak keys compare by identity: each certificate version has its own context.
		// Upkeep (recording reads, evicting) runs on the thread that touched the cache: by
		// default Caffeine hands it to the common pool, which wakes a thread every few
		// handshakes, costing more than the lookup itself.
		// A load's future never completes exceptionally (Caffeine would log every failure
		// with its stack trace); a failure is a value that expires after FAILED_LOAD_RETRY.
		this.cache = Caffeine.newBuilder()
			.executor(Runnable::run)
			.weakKeys()
			.maximumSize(maxContexts)
			.expireAfter(new FailedLoadExpiry())
			.recordStats()
			.buildAsync();
		for (CertificateSource source : this.sources) {
			this.loaders.put(source, loader(source, loadThreads));
		}
		for (CertificateSource source : this.sources) {
			source.open(this::publish);
		}
	}

	/**
	 * Which certificate a server name gets from this store, for a client that accepts
	 * every kind of key.
	 * @param serverName a lower-case A-label
	 * @return the certificate and whether it matched exactly or by wildcard, or
	 * {@code null} when no certificate serves the name
	 */
	public @Nullable Selection find(String serverName) {
		return this.ranking.best(this.index.exact(serverName), this.index.wildcard(serverName), this.clock.instant(),
				(algorithm) -> true);
	}

	/**
	 * Which certificate a server name gets for one client.
	 * @param serverName a lower-case A-label
	 * @param clientHello what the client sent, which decides the kind of key it can use
	 * @return the certificate and its rule, or {@code null} when none serves the name
	 */
	public @Nullable Selection find(String serverName, ClientHello clientHello) {
		return this.ranking.best(this.index.exact(serverName), this.index.wildcard(serverName), this.clock.instant(),
				(algorithm) -> algorithm.usableBy(clientHello));
	}

	/**
	 * Every certificate the sources hold, and what they rejected, without key material.
	 * @return the listing, source by source
	 */
	public List<CertificateInfo> list() {
		List<CertificateInfo> all = new ArrayList<>();
		for (CertificateSource source : this.sources) {
			all.addAll(source.list());
		}
		return all;
	}

	/**
	 * The sources, in order of precedence.
	 * @return the sources
	 */
	public List<CertificateSource> sources() {
		return this.sources;
	}

	/**
	 * Current counters.
	 * @return the statistics
	 */
	public StoreStatistics statistics() {
		CacheStats cacheStats = this.cache.synchronous().stats();
		return new StoreStatistics(this.index.size(), this.cache.synchronous().estimatedSize(), this.loads.sum(),
				this.loadFailures.sum(), this.loadTimeouts.sum(), cacheStats.hitCount(), cacheStats.missCount());
	}

	/**
	 * The context of a certificate, waiting at most the given time for it to load. A load
	 * that takes longer continues in the background and serves later handshakes.
	 * @param certificate a certificate this store holds
	 * @param timeout how long to wait
	 * @return the context
	 * @throws TimeoutException when the load takes longer
	 * @throws ExecutionException when the load fails
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	SSLContext context(StoredCertificate certificate, Duration timeout)
			throws TimeoutException, ExecutionException, InterruptedException {
		CompletableFuture<Loaded> loading = this.cache.get(certificate, (key, executor) -> load(key));
		Loaded loaded = loading.getNow(null);
		if (loaded == null) {
			try {
				loaded = loading.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				this.loadTimeouts.increment();
				throw ex;
			}
		}
		if (loaded.context() == null) {
			throw new ExecutionException(loaded.failure());
		}
		return loaded.context();
	}

	private CompletableFuture<Loaded> load(StoredCertificate certificate) {
		Executor loader = this.loaders.get(certificate.source());
		if (loader == null) {
			return CompletableFuture.completedFuture(Loaded.failed(new IllegalStateException(
					"Certificate " + certificate.id() + " comes from a source this store does not hold")));
		}
		try {
			return CompletableFuture.supplyAsync(() -> {
				this.loads.increment();
				try {
					return Loaded.of(certificate.source().createContext(certificate, this.contexts));
				}
				catch (Exception ex) {
					this.loadFailures.increment();
					return Loaded.failed(ex);
				}
			}, loader);
		}
		catch (RejectedExecutionException ex) {
			this.loadFailures.increment();
			return CompletableFuture.completedFuture(Loaded.failed(new IllegalStateException(
					"Too many certificates of " + certificate.source().name() + " are loading at once", ex)));
		}
	}

	private void publish(Collection<? extends StoredCertificate> added, Collection<? extends StoredCertificate> removed) {
		added.forEach(this.index::add);
		for (StoredCertificate certificate : removed) {
			this.index.remove(certificate);
			this.cache.synchronous().invalidate(certificate);
		}
	}

	/** Stops the loader threads; sources are closed by whoever created them. */
	@Override
	public void close() {
		this.loaders.values().forEach(ThreadPoolExecutor::shutdownNow);
	}

	/**
	 * What a load gave: a context, or why there is none.
	 *
	 * @param context the context, or {@code null} when the load failed
	 * @param failure why the load failed, or {@code null}
	 */
	private record Loaded(@Nullable SSLContext context, @Nullable Exception failure) {

		static Loaded of(SSLContext context) {
			return new Loaded(context, null);
		}

		static Loaded failed(Exception failure) {
			return new Loaded(null, failure);
		}

	}

	/** Contexts stay until evicted or dropped; failures only for a moment. */
	private static final class FailedLoadExpiry implements Expiry<StoredCertificate, Loaded> {

		@Override
		public long expireAfterCreate(StoredCertificate certificate, Loaded loaded, long currentTime) {
			return (loaded.context() != null) ? Long.MAX_VALUE : FAILED_LOAD_RETRY.toNanos();
		}

		@Override
		public long expireAfterUpdate(StoredCertificate certificate, Loaded loaded, long currentTime,
				long currentDuration) {
			return expireAfterCreate(certificate, loaded, currentTime);
		}

		@Override
		public long expireAfterRead(StoredCertificate certificate, Loaded loaded, long currentTime,
				long currentDuration) {
			return currentDuration;
		}

	}

	private static ThreadPoolExecutor loader(CertificateSource source, int threads) {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(LOAD_QUEUE), daemonThreads(source.name()));
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private static ThreadFactory daemonThreads(String sourceName) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, "sni-load-" + sourceName + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
