package io.github.snistarter.testkit;

import java.security.KeyPair;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Hands out freshly generated key pairs and keeps a couple generated ahead on a background
 * daemon thread, for key types that are slow to generate (RSA 2048 takes up to a second or
 * two on a small machine). Every key pair is handed out once only.
 */
final class PrefetchingKeyGenerator {

	private static final int SPARE_KEYS = 2;

	private final String name;

	private final Supplier<KeyPair> generator;

	private final BlockingQueue<KeyPair> spare = new ArrayBlockingQueue<>(SPARE_KEYS);

	private final AtomicBoolean started = new AtomicBoolean();

	PrefetchingKeyGenerator(String name, Supplier<KeyPair> generator) {
		this.name = name;
		this.generator = generator;
	}

	/** A spare key pair if one is ready, else one generated now. */
	KeyPair next() {
		startPrefetching();
		KeyPair keyPair = this.spare.poll();
		return (keyPair != null) ? keyPair : this.generator.get();
	}

	private void startPrefetching() {
		if (this.started.compareAndSet(false, true)) {
			Thread thread = new Thread(this::prefetch, this.name + "-key-prefetch");
			thread.setDaemon(true);
			thread.setPriority(Thread.MIN_PRIORITY);
			thread.start();
		}
	}

	private void prefetch() {
		try {
			while (true) {
				this.spare.put(this.generator.get());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
