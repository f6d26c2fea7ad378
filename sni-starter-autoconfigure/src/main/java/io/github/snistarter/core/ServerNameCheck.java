package io.github.snistarter.core;

import io.github.snistarter.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * What a handshake makes of a server name: the name the callback would see, no name at
 * all, or the alert the client would get instead. See {@link ServerNames#check(String)}.
 *
 * @param aLabel the normalized name (lower-case A-label) the callback would see;
 * {@code null} when the name counts as no SNI or is refused
 * @param unicode the same name decoded to Unicode, {@code null} likewise
 * @param alert the fatal alert a client sending this name gets before any callback runs,
 * {@code null} when the name is accepted
 * @param problem why the name is refused, {@code null} when it is accepted
 */
public record ServerNameCheck(@Nullable String aLabel, @Nullable String unicode, @Nullable TlsAlert alert,
		@Nullable String problem) {

	/**
	 * Whether a handshake treats the name as no SNI at all (an IP address literal).
	 * @return {@code true} when the callback would see no server name
	 */
	public boolean isNoServerName() {
		return this.aLabel == null && this.alert == null;
	}

	/**
	 * Whether the name is refused before any callback runs.
	 * @return {@code true} when a client sending it gets {@link #alert()}
	 */
	public boolean isRefused() {
		return this.alert != null;
	}

}
