package io.github.snistarter.store;

import io.github.snistarter.core.ServerNames;

/**
 * A server name a certificate is registered for: an exact name such as
 * {@code api.example.com}, or a wildcard {@code *.example.com} that covers exactly one
 * further label ({@code a.example.com}, not {@code example.com} nor
 * {@code a.b.example.com}). Stored in lower-case A-label form.
 *
 * @param name the exact name, or for a wildcard the parent domain after {@code *.}
 * @param wildcard whether this is a {@code *.} wildcard
 */
public record ServerNamePattern(String name, boolean wildcard) {

	/**
	 * Parse a pattern.
	 * @param pattern an exact host name or {@code *.} followed by a host name; Unicode is
	 * converted to A-labels
	 * @return the pattern
	 * @throws IllegalArgumentException when the pattern is not a host name or puts the
	 * {@code *} anywhere but as the whole first label
	 */
	public static ServerNamePattern parse(String pattern) {
		String trimmed = pattern.trim();
		boolean wildcard = trimmed.startsWith("*.");
		String name = wildcard ? trimmed.substring(2) : trimmed;
		if (name.contains("*")) {
			throw new IllegalArgumentException("Invalid server name pattern '" + pattern
					+ "': a wildcard must be the whole first label, as in '*.example.com'");
		}
		if (ServerNames.isIpLiteral(name)) {
			throw new IllegalArgumentException("Invalid server name pattern '" + pattern
					+ "': IP addresses are never sent as server names");
		}
		return new ServerNamePattern(ServerNames.toALabel(name), wildcard);
	}

	/**
	 * Whether the pattern covers a normalized server name.
	 * @param serverName a lower-case A-label
	 * @return whether it matches
	 */
	public boolean matches(String serverName) {
		if (!this.wildcard) {
			return this.name.equals(serverName);
		}
		int dot = serverName.indexOf('.');
		return dot > 0 && serverName.substring(dot + 1).equals(this.name);
	}

	@Override
	public String toString() {
		return this.wildcard ? "*." + this.name : this.name;
	}

}
