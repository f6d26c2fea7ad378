package io.github.snistarter.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

import javax.net.ssl.SSLContext;

import io.github.snistarter.core.RateLimitedLog;
import io.github.snistarter.store.CertificateFiles.EncodedMaterial;
import io.github.snistarter.store.CertificateFiles.Listing;
import io.github.snistarter.store.CertificateFiles.Material;
import io.github.snistarter.store.CertificateFiles.Stamp;
import io.github.snistarter.store.CertificateFiles.Unit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates from a directory of PEM and PKCS#12 files (see {@link CertificateFiles}
 * for how files pair up), serving the DNS names in each certificate's subject
 * alternative names. The directory is watched: files created, changed, renamed or
 * deleted, and Kubernetes secret updates, are picked up once changes have been quiet
 * for a moment, and the whole tree is scanned periodically as well.
 * <p>
 * Scans are incremental: only files whose time stamp, size or identity changed are read
 * again. A file that cannot be served is rejected with one log line naming it and the
 * reason; the version loaded from it before keeps serving, and nothing else is
 * affected. A deleted file's certificates stop serving.
 */
public final class DirectoryCertificates implements CertificateSource, Closeable {

	private static final Logger logger = LoggerFactory.getLogger(DirectoryCertificates.class);

	/** Below this many changed files, reading them in parallel costs more than it saves. */
	private static final int PARALLEL_THRESHOLD = 64;

	/** Threads that read many changed files at once; more than cores, since reads may wait for the disk. */
	private static final int READER_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

	/** How often a directory that stays unreadable is reported again. */
	private static final Duration REPORT_INTERVAL = Duration.ofMinutes(10);

	private final Path directory;

	private final Duration quietPeriod;

	private final Duration rescanInterval;

	private final @Nullable String password;

	private final Map<String, UnitState> units = new HashMap<>();

	private @Nullable Publisher publisher;

	private volatile @Nullable DirectoryWatcher watcher;

	private Set<Path> directories = Set.of();

	private @Nullable Instant unreadableSince;

	private Instant unreadableReported = Instant.MIN;

	private final RateLimitedLog unreadableWarnings = new RateLimitedLog(logger, REPORT_INTERVAL);

	/**
	 * Create a source for a directory; reading and watching start when a store opens it.
	 * @param directory the directory
	 * @param quietPeriod how long changes must have stopped before files are read
	 * @param rescanInterval how often to scan even without change events
	 * @param password the password of PKCS#12 files and encrypted PEM keys, or
	 * {@code null}
	 * @throws IllegalArgumentException when the directory does not exist
	 */
	public DirectoryCertificates(Path directory, Duration quietPeriod, Duration rescanInterval,
			@Nullable String password) {
		if (!Files.isDirectory(directory)) {
			throw new IllegalArgumentException("Certificate directory " + directory + " does not exist or is not a "
					+ "directory");
		}
		this.directory = directory.toAbsolutePath().normalize();
		this.quietPeriod = quietPeriod;
		this.rescanInterval = rescanInterval;
		this.password = password;
	}

	@Override
	public String name() {
		return "directory " + this.directory;
	}

	/**
	 * The watched directory.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/** Reads the directory, publishes what it holds, then starts watching it. */
	@Override
	public synchronized void open(Publisher publisher) {
		this.publisher = publisher;
		long start = System.nanoTime();
		Set<Path> directories = scan(true);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		long certificates = this.units.values().stream().mapToLong((unit) -> unit.serving().size()).sum();
		long rejected = this.units.values().stream().filter((unit) -> unit.rejection() != null).count();
		logger.info("Loaded {} certificates from {} in {} ms{}", certificates, this.directory, took.toMillis(),
				(rejected > 0) ? " (" + rejected + " rejected)" : "");
		DirectoryWatcher watcher = new DirectoryWatcher(this.directory, this.quietPeriod, this.rescanInterval,
				() -> scan(false));
		watcher.start(directories);
		this.watcher = watcher;
	}

	/**
	 * Scan the directory now rather than waiting for change events, for example after
	 * a file system that reports no events has changed.
	 */
	public void rescan() {
		scan(false);
	}

	@Override
	public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts)
			throws GeneralSecurityException {
		return ((CompactCertificate) certificate).createContext(contexts);
	}

	@Override
	public synchronized List<CertificateInfo> list() {
		Instant now = Instant.now();
		List<CertificateInfo> list = new ArrayList<>();
		this.units.values().stream().sorted((a, b) -> a.unit().key().compareTo(b.unit().key())).forEach((state) -> {
			state.serving().forEach((certificate) -> list.add(certificate.info(now)));
			String rejection = state.rejection();
			if (rejection != null) {
				list.add(CertificateInfo.rejected(name(), state.unit().files().get(0).toString(), rejection));
			}
		});
		return list;
	}

	@Override
	public void close() throws IOException {
		DirectoryWatcher watcher = this.watcher;
		if (watcher != null) {
			watcher.close();
		}
	}

	/**
	 * Read what changed since the last scan and publish it.
	 * @return the directories to watch
	 */
	private synchronized Set<Path> scan(boolean initial) {
		Listing listing;
		try {
			listing = CertificateFiles.find(this.directory);
		}
		catch (IOException ex) {
			if (initial) {
				throw new UncheckedIOException("Cannot read certificate directory " + this.directory + ": " + ex, ex);
			}
			unreadable(ex);
			return this.directories;
		}
		if (this.unreadableSince != null) {
			logger.info("Certificate directory {} can be read again (it could not be for {})", this.directory,
					Duration.between(this.unreadableSince, Instant.now()));
			this.unreadableSince = null;
		}
		if (!listing.unreadable().isEmpty()) {
			this.unreadableWarnings.warn("Cannot read " + listing.unreadable() + " in certificate directory "
					+ this.directory + "; what was read from there before keeps serving, the next scan tries again",
					null);
		}
		List<Change> changes = new ArrayList<>();
		Set<String> present = new HashSet<>();
		for (Unit unit : listing.units()) {
			present.add(unit.key());
			UnitState previous = this.units.get(unit.key());
			List<Stamp> stamps;
			try {
				stamps = listing.stamps(unit);
			}
			catch (IOException ex) {
				// Deleted while scanning: the next scan sees it gone.
				continue;
			}
			if (previous == null || !previous.stamps().equals(stamps) || !previous.unit().equals(unit)) {
				changes.add(new Change(unit, stamps, previous));
			}
		}
		List<Loaded> loaded = (changes.size() >= PARALLEL_THRESHOLD) ? readInParallel(changes)
				: changes.stream().map(this::read).toList();
		List<StoredCertificate> added = new ArrayList<>();
		List<StoredCertificate> removed = new ArrayList<>();
		for (Loaded result : loaded) {
			apply(result, added, removed, initial);
		}
		for (String key : List.copyOf(this.units.keySet())) {
			if (!present.contains(key) && !listing.mayHold(this.units.get(key).unit())) {
				UnitState gone = this.units.remove(key);
				removed.addAll(gone.serving());
				if (!gone.serving().isEmpty()) {
					logger.info("Removed certificate {} ({} deleted)", gone.serving(), gone.unit().origin());
				}
			}
		}
		Publisher publisher = this.publisher;
		if (publisher != null && (!added.isEmpty() || !removed.isEmpty())) {
			publisher.publish(added, removed);
		}
		this.directories = listing.directories();
		return this.directories;
	}

	/**
	 * The directory itself cannot be listed: gone, replaced by a file, or unreadable.
	 * Nothing is removed, since nothing says the certificates were deleted; the first
	 * failure is an ERROR, repeats are rate limited, and a later scan that succeeds
	 * carries on as if the directory had never gone.
	 */
	private void unreadable(IOException ex) {
		long serving = this.units.values().stream().mapToLong((unit) -> unit.serving().size()).sum();
		String message = "Cannot read certificate directory " + this.directory + " (" + ex + "); the " + serving
				+ " certificates read from it keep serving until it can be read again";
		Instant now = Instant.now();
		if (this.unreadableSince == null) {
			this.unreadableSince = now;
			this.unreadableReported = now;
			logger.error(message);
		}
		else if (Duration.between(this.unreadableReported, now).compareTo(REPORT_INTERVAL) >= 0) {
			this.unreadableReported = now;
			logger.error(message + " (since " + this.unreadableSince + ")");
		}
	}

	/**
	 * Read many changed units at once. Reading a file the page cache does not hold waits
	 * for the disk, so more threads than cores read: a first start after a reboot reads
	 * every file from disk. The threads end with the read.
	 */
	private List<Loaded> readInParallel(List<Change> changes) {
		ForkJoinPool readers = new ForkJoinPool(READER_THREADS, (pool) -> {
			ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
			thread.setName("sni-directory-reader-" + thread.getPoolIndex());
			thread.setDaemon(true);
			return thread;
		}, null, false);
		try {
			// invoke: a failure of a read is thrown here as it was thrown there.
			return readers.invoke(ForkJoinTask.adapt(() -> changes.parallelStream().map(this::read).toList()));
		}
		finally {
			readers.shutdown();
		}
	}

	private Loaded read(Change change) {
		EncodedMaterial common = CertificateFiles.readEncoded(change.unit(), change.stamps());
		CompactCertificate checked = (common != null) ? CertificateChecks.checkEncoded(this, common) : null;
		if (checked != null) {
			return new Loaded(change, List.of(checked), null);
		}
		try {
			List<CompactCertificate> certificates = new ArrayList<>();
			for (Material material : CertificateFiles.read(change.unit(), change.stamps(), this.password)) {
				certificates.add(CertificateChecks.check(this, material.id(), change.unit().origin(), material.chain(),
						material.key()));
			}
			return new Loaded(change, certificates, null);
		}
		catch (InvalidCertificateException ex) {
			return new Loaded(change, List.of(), ex);
		}
	}

	private void apply(Loaded result, List<StoredCertificate> added, List<StoredCertificate> removed,
			boolean initial) {
		Change change = result.change();
		List<CompactCertificate> previous = (change.previous() != null) ? change.previous().serving() : List.of();
		InvalidCertificateException failure = result.failure();
		if (failure != null) {
			boolean alreadyReported = change.previous() != null
					&& failure.getReason().equals(change.previous().rejection());
			if (!alreadyReported) {
				logger.error("{}; {}", failure.getMessage(), previous.isEmpty() ? "nothing from it is served"
						: "the previous version keeps serving " + previous);
			}
			this.units.put(change.unit().key(), new UnitState(change.unit(), change.stamps(), previous,
					failure.getReason()));
			return;
		}
		this.units.put(change.unit().key(), new UnitState(change.unit(), change.stamps(), result.certificates(), null));
		added.addAll(result.certificates());
		removed.addAll(previous);
		Instant now = Instant.now();
		for (CompactCertificate certificate : result.certificates()) {
			if (initial) {
				logger.debug("Loaded certificate {} from {}", certificate, change.unit().origin());
			}
			else {
				logger.info("{} certificate {} from {}", previous.isEmpty() ? "Loaded" : "Replaced", certificate,
						change.unit().origin());
			}
			CertificateChecks.warnIfNotValid(logger, change.unit().origin(), certificate, now);
		}
	}

	/** What was last read from a unit: the certificates it serves, and why its current files were rejected. */
	private record UnitState(Unit unit, List<Stamp> stamps, List<CompactCertificate> serving,
			@Nullable String rejection) {
	}

	private record Change(Unit unit, List<Stamp> stamps, @Nullable UnitState previous) {
	}

	private record Loaded(Change change, List<CompactCertificate> certificates,
			@Nullable InvalidCertificateException failure) {
	}

}
