package io.github.snistarter;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * The callback a server runs for each handshake, replaceable while the server runs.
 * A change applies from the next handshake on; a handshake that has already read its
 * ClientHello completes with the callback it started with. Inject this bean to swap
 * the callback (for example to put a maintenance policy in place) or remove it.
 */
public final class ActiveServerNameCallback {

	private final AtomicReference<@Nullable ServerNameCallback> callback;

	/**
	 * Create a holder with the given initial callback.
	 * @param initial the callback, or {@code null} for none
	 */
	public ActiveServerNameCallback(@Nullable ServerNameCallback initial) {
		this.callback = new AtomicReference<>(initial);
	}

	/**
	 * The callback for the next handshake.
	 * @return the callback, or {@code null} when removed
	 */
	public @Nullable ServerNameCallback get() {
		return this.callback.get();
	}

	/**
	 * Replace the active callback.
	 * @param replacement the callback for handshakes from now on
	 * @return the callback it replaced, or {@code null}
	 */
	public @Nullable ServerNameCallback replace(ServerNameCallback replacement) {
		return this.callback.getAndSet(Objects.requireNonNull(replacement, "replacement"));
	}

	/**
	 * Remove the active callback: every handshake then gets the connector's default
	 * context. Malformed server names are still refused with an alert.
	 * @return the callback removed, or {@code null}
	 */
	public @Nullable ServerNameCallback remove() {
		return this.callback.getAndSet(null);
	}

}
