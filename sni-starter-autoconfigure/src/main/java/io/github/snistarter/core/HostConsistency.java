package io.github.snistarter.core;

import org.jspecify.annotations.Nullable;

/**
 * Implemented by callbacks that can tell, from names alone, whether a request's Host
 * would have been served by the certificate its connection's SNI selected. Server
 * adapters use it for their Host/SNI consistency check; for other callbacks the
 * server's own check applies.
 */
public interface HostConsistency {

	/**
	 * Whether the two names select the same certificate.
	 * @param sniName the name the connection was selected for, {@code null} without SNI
	 * @param hostName the host the request addresses
	 * @return {@code true} when a request for {@code hostName} may use the connection
	 */
	boolean sameCertificate(@Nullable String sniName, String hostName);

}
