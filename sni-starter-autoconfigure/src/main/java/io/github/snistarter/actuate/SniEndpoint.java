package io.github.snistarter.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code sni} endpoint: {@code /actuator/sni} lists the certificates the store holds
 * and the default certificate; {@code /actuator/sni/{name}} says which certificate a
 * server name gets and by which rule. Neither ever shows key material.
 */
@Endpoint(id = "sni")
public class SniEndpoint {

	private final CertificateInventory inventory;

	/**
	 * Create the endpoint.
	 * @param inventory what the store holds and answers
	 */
	public SniEndpoint(CertificateInventory inventory) {
		this.inventory = inventory;
	}

	/**
	 * Every certificate loaded or rejected, and the default.
	 * @return the listing
	 */
	@ReadOperation
	public SniDescriptor certificates() {
		return new SniDescriptor(this.inventory.callbackKind(), this.inventory.unknownNamePolicy(),
				this.inventory.defaultCertificate(), this.inventory.certificates(), this.inventory.storeDescriptor());
	}

	/**
	 * Which certificate a server name gets. An IP address stands for a client that sends
	 * no SNI.
	 * @param name the server name
	 * @return the answer
	 */
	@ReadOperation
	public ServerNameDescriptor serverName(@Selector String name) {
		return this.inventory.resolve(name);
	}

	/**
	 * The answer of {@code /actuator/sni}.
	 *
	 * @param callback the active callback: {@code store}, {@code custom} or {@code none}
	 * @param unknownName the unknown-name policy: {@code default} or {@code reject}
	 * @param defaultCertificate what clients without SNI get
	 * @param certificates every certificate the sources hold, including rejected ones
	 * @param store the store's sources and counters
	 */
	public record SniDescriptor(String callback, String unknownName, CertificateDescriptor defaultCertificate,
			List<CertificateDescriptor> certificates,
			CertificateInventory.StoreDescriptor store) implements OperationResponseBody {
	}

}
