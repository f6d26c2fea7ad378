package io.github.snistarter.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scan of a directory tree after changes in it have settled, and periodically in
 * case the file system did not report a change. Any event in a watched directory (a
 * file written, renamed, deleted, a Kubernetes {@code ..data} link swapped) counts: the
 * scan itself finds out what changed. Waiting for a quiet period after the last event
 * means a file still being written is not read half-way.
 */
final class DirectoryWatcher implements Closeable {

	private static final Logger logger = LoggerFactory.getLogger(DirectoryWatcher.class);

	/** A directory that never stops changing is still scanned this many quiet periods after the first change. */
	private static final int MAX_DELAY_PERIODS = 10;

	private final Path root;

	private final long quietNanos;

	private final long rescanNanos;

	private final Supplier<Set<Path>> scan;

	private final Map<Path, WatchKey> watched = new HashMap<>();

	private final @Nullable WatchService watchService;

	private final Thread thread;

	private volatile boolean running = true;

	/**
	 * Create a watcher; it starts with {@link #start}.
	 * @param root the directory
	 * @param quietPeriod how long no event must arrive before a scan
	 * @param rescanInterval how often to scan without events
	 * @param scan scans and returns the directories to watch
	 */
	DirectoryWatcher(Path root, Duration quietPeriod, Duration rescanInterval, Supplier<Set<Path>> scan) {
		this.root = root;
		this.quietNanos = Math.max(1, quietPeriod.toNanos());
		this.rescanNanos = Math.max(1, rescanInterval.toNanos());
		this.scan = scan;
		this.watchService = newWatchService(root, rescanInterval);
		this.thread = new Thread(this::run, "sni-directory-watcher");
		this.thread.setDaemon(true);
	}

	/**
	 * Watch the given directories and start.
	 * @param directories the directories the first scan found
	 */
	void start(Set<Path> directories) {
		watch(directories);
		this.thread.start();
	}

	private static @Nullable WatchService newWatchService(Path root, Duration rescanInterval) {
		try {
			return FileSystems.getDefault().newWatchService();
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.warn("Cannot watch {} for changes ({}); it is scanned every {} instead", root, ex.getMessage(),
					rescanInterval);
			return null;
		}
	}

	private void run() {
		long lastScan = System.nanoTime();
		long firstEvent = -1;
		long lastEvent = -1;
		while (this.running) {
			long now = System.nanoTime();
			long wait = (lastEvent >= 0)
					? Math.min(this.quietNanos - (now - lastEvent), MAX_DELAY_PERIODS * this.quietNanos - (now - firstEvent))
					: this.rescanNanos - (now - lastScan);
			try {
				WatchKey key = (wait > 0) ? poll(wait) : null;
				if (key != null) {
					key.pollEvents();
					key.reset();
					lastEvent = System.nanoTime();
					firstEvent = (firstEvent >= 0) ? firstEvent : lastEvent;
					continue;
				}
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				return;
			}
			now = System.nanoTime();
			boolean settled = lastEvent >= 0
					&& (now - lastEvent >= this.quietNanos || now - firstEvent >= MAX_DELAY_PERIODS * this.quietNanos);
			if (settled || (lastEvent < 0 && now - lastScan >= this.rescanNanos)) {
				scan();
				lastScan = System.nanoTime();
				firstEvent = -1;
				lastEvent = -1;
			}
		}
	}

	private @Nullable WatchKey poll(long nanos) throws InterruptedException {
		WatchService watchService = this.watchService;
		if (watchService == null) {
			TimeUnit.NANOSECONDS.sleep(nanos);
			return null;
		}
		return watchService.poll(nanos, TimeUnit.NANOSECONDS);
	}

	private void scan() {
		try {
			watch(this.scan.get());
		}
		catch (RuntimeException ex) {
			logger.error("Scanning certificate directory {} failed; the certificates loaded before keep serving",
					this.root, ex);
		}
	}

	/** Watch new directories and forget those that are gone. */
	private void watch(Set<Path> directories) {
		this.watched.entrySet().removeIf((entry) -> {
			boolean gone = !entry.getValue().isValid() || !directories.contains(entry.getKey());
			if (gone) {
				entry.getValue().cancel();
			}
			return gone;
		});
		for (Path directory : directories) {
			if (!this.watched.containsKey(directory)) {
				WatchKey key = register(directory);
				if (key != null) {
					this.watched.put(directory, key);
				}
			}
		}
	}

	private @Nullable WatchKey register(Path directory) {
		WatchService watchService = this.watchService;
		if (watchService == null) {
			return null;
		}
		try {
			return directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
					StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
		}
		catch (IOException | RuntimeException ex) {
			// Vanished since the scan, or not watchable: the periodic scan still covers it.
			logger.debug("Cannot watch {}: {}", directory, ex.toString());
			return null;
		}
	}

	@Override
	public void close() throws IOException {
		this.running = false;
		if (this.watchService != null) {
			this.watchService.close();
		}
		this.thread.interrupt();
	}

}
