package io.github.snistarter.actuate.jdbc;

import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.InvalidCertificateException;
import io.github.snistarter.store.jdbc.JdbcCertificates;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The privileged {@code sniadmin} endpoint: writes certificates and private keys to the
 * database every replica serves from. Off unless {@code sni.jdbc.admin-endpoint.enabled}
 * is {@code true} and the endpoint is exposed; whoever can call it can serve any
 * certificate for the fleet's names, so expose it only to operators.
 * <ul>
 * <li>{@code POST /actuator/sniadmin/{id}} with
 * {@code {"certificateChain": "<PEM>", "privateKey": "<PEM>"}} adds the certificate, or
 * rotates the one with this id;</li>
 * <li>{@code DELETE /actuator/sniadmin/{id}} removes it;</li>
 * <li>{@code POST /actuator/sniadmin} re-encrypts every private key with the active
 * master key, the middle step of a master-key rotation.</li>
 * </ul>
 * Answers never contain key material.
 */
@Endpoint(id = "sniadmin")
public class SniAdminEndpoint {

	private final JdbcCertificates certificates;

	/**
	 * Create the endpoint.
	 * @param certificates the database's admin API
	 */
	public SniAdminEndpoint(JdbcCertificates certificates) {
		this.certificates = certificates;
	}

	/**
	 * Add a certificate, or rotate the one with this id.
	 * @param id the certificate's id in the database
	 * @param certificateChain the chain as PEM, leaf first
	 * @param privateKey the private key as PEM
	 * @return the stored certificate, without its key
	 */
	@WriteOperation
	public CertificateInfo put(@Selector String id, String certificateChain, String privateKey) {
		try {
			return this.certificates.put(id, certificateChain, privateKey);
		}
		catch (InvalidCertificateException | IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
	}

	/**
	 * Remove a certificate.
	 * @param id the certificate's id in the database
	 * @return {@code {"removed": true}} when it existed
	 */
	@DeleteOperation
	public Removed remove(@Selector String id) {
		return new Removed(id, this.certificates.remove(id));
	}

	/**
	 * Re-encrypt every private key that another master key encrypted with the active one.
	 * @return how many keys were re-encrypted
	 */
	@WriteOperation
	public Reencrypted reencrypt() {
		return new Reencrypted(this.certificates.reencrypt());
	}

	/**
	 * The answer to a re-encryption.
	 *
	 * @param reencrypted how many keys were re-encrypted; run again until it is 0
	 */
	public record Reencrypted(int reencrypted) {
	}

	/**
	 * The answer to a removal.
	 *
	 * @param id the certificate's id
	 * @param removed whether it existed
	 */
	public record Removed(String id, boolean removed) {
	}

}
