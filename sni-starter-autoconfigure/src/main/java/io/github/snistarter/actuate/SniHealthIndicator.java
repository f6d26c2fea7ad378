package io.github.snistarter.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code sni} health contributor, following Spring Boot's SSL health conventions:
 * <ul>
 * <li>{@code DOWN} when the default certificate cannot be served (none configured, no
 * key, a key that does not match): clients without SNI, and unknown names under the
 * {@code default} policy, fail;</li>
 * <li>{@code OUT_OF_SERVICE} when the default certificate is expired or not yet
 * valid;</li>
 * <li>otherwise {@code UP}, with {@code expiringCertificates} (within the warning
 * threshold of their expiry), {@code invalidCertificates} (expired or not yet valid,
 * served only to names no valid certificate covers) and {@code rejectedCertificates}
 * (material a source failed to load, with the reason) in the details. One tenant's
 * certificate must not take every tenant's server out of its load balancer.</li>
 * </ul>
 */
public class SniHealthIndicator extends AbstractHealthIndicator {

	private final CertificateInventory inventory;

	private final Duration warningThreshold;

	/**
	 * Create the indicator.
	 * @param inventory what the store holds
	 * @param warningThreshold how close to expiry a certificate is reported as expiring
	 */
	public SniHealthIndicator(CertificateInventory inventory, Duration warningThreshold) {
		super("SNI health check failed");
		this.inventory = inventory;
		this.warningThreshold = warningThreshold;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		CertificateDescriptor defaultCertificate = this.inventory.defaultCertificate();
		List<CertificateDescriptor> expiring = new ArrayList<>();
		List<CertificateDescriptor> invalid = new ArrayList<>();
		List<CertificateDescriptor> rejected = new ArrayList<>();
		for (CertificateDescriptor certificate : this.inventory.certificates()) {
			switch (certificate.status()) {
				case "REJECTED" -> rejected.add(certificate);
				case "EXPIRED", "NOT_YET_VALID" -> invalid.add(certificate);
				default -> {
					if (isExpiring(certificate)) {
						expiring.add(certificate);
					}
				}
			}
		}
		if (isExpiring(defaultCertificate) && CertificateDescriptor.SERVING.equals(defaultCertificate.status())
				&& expiring.stream().noneMatch((c) -> sameCertificate(c, defaultCertificate))) {
			// The connector's own certificate (server.ssl) is not in the store's listing.
			expiring.add(defaultCertificate);
		}
		builder.status(status(defaultCertificate.status()))
			.withDetail("defaultCertificate", defaultCertificate)
			.withDetail("expiringCertificates", expiring)
			.withDetail("invalidCertificates", invalid)
			.withDetail("rejectedCertificates", rejected);
	}

	private static Status status(String defaultStatus) {
		return switch (defaultStatus) {
			case CertificateDescriptor.UNAVAILABLE -> Status.DOWN;
			case "EXPIRED", "NOT_YET_VALID" -> Status.OUT_OF_SERVICE;
			default -> Status.UP;
		};
	}

	private boolean isExpiring(CertificateDescriptor certificate) {
		Instant notAfter = certificate.notAfter();
		return notAfter != null && notAfter.isBefore(Instant.now().plus(this.warningThreshold));
	}

	private static boolean sameCertificate(CertificateDescriptor a, CertificateDescriptor b) {
		return a.sha256Fingerprint() != null && a.sha256Fingerprint().equals(b.sha256Fingerprint());
	}

}
