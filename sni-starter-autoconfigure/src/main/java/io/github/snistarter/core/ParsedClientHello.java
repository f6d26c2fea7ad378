package io.github.snistarter.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The fields of a ClientHello the selection needs, as sent on the wire.
 *
 * @param legacyVersion the {@code legacy_version} field, for example {@code 0x0303}
 * @param hostName the raw bytes of the single {@code host_name} entry, or {@code null}
 * when the client sent no server_name extension
 * @param cipherSuites cipher suite code points
 * @param applicationProtocols ALPN protocol names
 * @param supportedVersions {@code supported_versions} code points, empty when absent
 * @param signatureSchemes {@code signature_algorithms} code points
 * @param supportedGroups {@code supported_groups} code points
 */
record ParsedClientHello(int legacyVersion, byte @Nullable [] hostName, List<Integer> cipherSuites,
		List<String> applicationProtocols, List<Integer> supportedVersions, List<Integer> signatureSchemes,
		List<Integer> supportedGroups) {

	/** The highest version the client offers, as a record-layer version for an alert. */
	int alertRecordVersion() {
		// A loop, not a stream: this runs once per handshake.
		int highest = this.legacyVersion;
		if (!this.supportedVersions.isEmpty()) {
			highest = Integer.MIN_VALUE;
			for (int version : this.supportedVersions) {
				highest = Math.max(highest, version);
			}
		}
		return Math.min(Math.max(highest, 0x0301), 0x0303);
	}

}
