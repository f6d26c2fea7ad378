package io.github.snistarter.store;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * The certificates of every source by the server names they serve. A lookup costs two
 * hash lookups (the exact name, then the wildcard for its parent domain) whatever the
 * number of names, and a name no certificate serves costs nothing to remember. Changes
 * to one name are atomic; several certificates may serve one name.
 */
final class ServerNameIndex {

	static final StoredCertificate[] NONE = new StoredCertificate[0];

	private final ConcurrentMap<String, StoredCertificate[]> exact = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, StoredCertificate[]> wildcards = new ConcurrentHashMap<>();

	void add(StoredCertificate certificate) {
		for (String name : certificate.names()) {
			ServerNamePattern pattern = pattern(name);
			mapFor(pattern).merge(pattern.name(), new StoredCertificate[] { certificate },
					(present, added) -> contains(present, certificate) ? present : append(present, certificate));
		}
	}

	void remove(StoredCertificate certificate) {
		for (String name : certificate.names()) {
			ServerNamePattern pattern = pattern(name);
			mapFor(pattern).computeIfPresent(pattern.name(), (key, present) -> without(present, certificate));
		}
	}

	/**
	 * Certificates registered for exactly this name.
	 * @param serverName a lower-case A-label
	 * @return the certificates, possibly none
	 */
	StoredCertificate[] exact(String serverName) {
		return this.exact.getOrDefault(serverName, NONE);
	}

	/**
	 * Certificates registered for {@code *.} and the parent domain of this name.
	 * @param serverName a lower-case A-label
	 * @return the certificates, possibly none
	 */
	StoredCertificate[] wildcard(String serverName) {
		int dot = serverName.indexOf('.');
		return (dot > 0) ? this.wildcards.getOrDefault(serverName.substring(dot + 1), NONE) : NONE;
	}

	/**
	 * How many distinct names (exact names and wildcard domains) are indexed.
	 * @return the number of names
	 */
	int size() {
		return this.exact.size() + this.wildcards.size();
	}

	private ConcurrentMap<String, StoredCertificate[]> mapFor(ServerNamePattern pattern) {
		return pattern.wildcard() ? this.wildcards : this.exact;
	}

	/** Names from built-in sources are already normalized; parsing them again would copy every string. */
	private static ServerNamePattern pattern(String name) {
		boolean wildcard = name.startsWith("*.");
		String host = wildcard ? name.substring(2) : name;
		return isNormalized(host) ? new ServerNamePattern(host, wildcard) : ServerNamePattern.parse(name);
	}

	private static boolean isNormalized(String host) {
		if (host.isEmpty() || host.startsWith(".") || host.endsWith(".") || host.contains("..")) {
			return false;
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
				return false;
			}
		}
		return true;
	}

	private static boolean contains(StoredCertificate[] certificates, StoredCertificate certificate) {
		for (StoredCertificate present : certificates) {
			if (present == certificate) {
				return true;
			}
		}
		return false;
	}

	private static StoredCertificate[] append(StoredCertificate[] certificates, StoredCertificate certificate) {
		StoredCertificate[] result = Arrays.copyOf(certificates, certificates.length + 1);
		result[certificates.length] = certificate;
		return result;
	}

	private static StoredCertificate @Nullable [] without(StoredCertificate[] certificates, StoredCertificate certificate) {
		if (!contains(certificates, certificate)) {
			return certificates;
		}
		if (certificates.length == 1) {
			// Returning null removes the name from the map.
			return null;
		}
		StoredCertificate[] result = new StoredCertificate[certificates.length - 1];
		int i = 0;
		for (StoredCertificate present : certificates) {
			if (present != certificate) {
				result[i++] = present;
			}
		}
		return result;
	}

}
