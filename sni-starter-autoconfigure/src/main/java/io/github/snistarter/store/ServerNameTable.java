package io.github.snistarter.store;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable lookup from server names to values: an exact match wins over a
 * wildcard, a wildcard covers one label, and each lookup costs at most two hash
 * lookups whatever the number of names.
 *
 * @param <T> the value type
 */
final class ServerNameTable<T> {

	private final Map<String, T> exact;

	private final Map<String, T> wildcards;

	private ServerNameTable(Map<String, T> exact, Map<String, T> wildcards) {
		this.exact = exact;
		this.wildcards = wildcards;
	}

	static <T> ServerNameTable<T> of(Map<ServerNamePattern, T> entries) {
		Map<String, T> exact = new HashMap<>();
		Map<String, T> wildcards = new HashMap<>();
		entries.forEach((pattern, value) -> (pattern.wildcard() ? wildcards : exact).put(pattern.name(), value));
		return new ServerNameTable<>(exact, wildcards);
	}

	/**
	 * Find the value for a server name.
	 * @param serverName a lower-case A-label
	 * @return the match, or {@code null}
	 */
	@Nullable Match<T> find(String serverName) {
		T value = this.exact.get(serverName);
		if (value != null) {
			return new Match<>(value, MatchRule.EXACT);
		}
		int dot = serverName.indexOf('.');
		if (dot > 0) {
			value = this.wildcards.get(serverName.substring(dot + 1));
			if (value != null) {
				return new Match<>(value, MatchRule.WILDCARD);
			}
		}
		return null;
	}

	record Match<T>(T value, MatchRule rule) {
	}

}
