package io.github.snistarter.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs at most one line per interval and counts the lines it held back, so a flood of
 * failing handshakes cannot flood the log with stack traces.
 */
public final class RateLimitedLog {

	private final Logger logger;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final AtomicLong lastLogged;

	private final AtomicLong suppressed = new AtomicLong();

	/**
	 * Create a log that writes at most one line per interval.
	 * @param logger where lines go
	 * @param interval the minimum time between two lines
	 */
	public RateLimitedLog(Logger logger, Duration interval) {
		this(logger, interval, System::nanoTime);
	}

	RateLimitedLog(Logger logger, Duration interval, LongSupplier nanoClock) {
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
		this.nanoClock = nanoClock;
		this.lastLogged = new AtomicLong(nanoClock.getAsLong() - this.intervalNanos);
	}

	/**
	 * Log at WARN unless a line was logged less than an interval ago, in which case the
	 * line is only counted; the next line logged says how many were held back.
	 * @param message the message
	 * @param cause the exception to log with it, if any
	 */
	public void warn(String message, @Nullable Throwable cause) {
		if (!this.logger.isWarnEnabled()) {
			return;
		}
		long now = this.nanoClock.getAsLong();
		long last = this.lastLogged.get();
		if (now - last >= this.intervalNanos && this.lastLogged.compareAndSet(last, now)) {
			long held = this.suppressed.getAndSet(0);
			String suffix = (held > 0) ? " (" + held + " similar messages suppressed)" : "";
			this.logger.warn(message + suffix, cause);
		}
		else {
			this.suppressed.incrementAndGet();
		}
	}

}
