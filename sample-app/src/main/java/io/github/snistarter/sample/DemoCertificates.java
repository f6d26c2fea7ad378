package io.github.snistarter.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.core.env.Environment;

/**
 * The demo's certificate files in one folder: {@code ca.crt} / {@code ca.key} and, for each
 * {@link #CERTIFICATES certificate}, {@code <name>.crt} (leaf then CA) and {@code <name>.key}
 * (PKCS#8). {@link #ensure()} creates what is missing or expired and reuses the rest, so the CA a
 * user already trusts survives restarts.
 */
public final class DemoCertificates {

	/** Property naming the folder; {@code application.yml} uses it for the bundle paths too. */
	public static final String DIRECTORY_PROPERTY = "demo.dir";

	/** Default folder, relative to the working directory (keep in step with {@code application.yml}). */
	public static final String DEFAULT_DIRECTORY = "sni-demo";

	/** The server certificates; names match the SSL bundles in {@code application.yml}. */
	public static final List<DemoCertificate> CERTIFICATES = List.of(
			new DemoCertificate("default", "default.localhost", List.of("localhost", "default.localhost")),
			new DemoCertificate("alpha", "alpha.localhost", List.of("alpha.localhost")),
			new DemoCertificate("beta", "beta.localhost", List.of("beta.localhost")),
			new DemoCertificate("tenants", "*.tenants.localhost", List.of("*.tenants.localhost")));

	static final String CA = "ca";

	static final Duration VALIDITY = Duration.ofDays(365);

	/** Renew a little before expiry so a demo left running does not fail mid-session. */
	static final Duration RENEW_BEFORE = Duration.ofDays(1);

	/** Backdating absorbs clock skew between this machine and a client checking notBefore. */
	static final Duration BACKDATE = Duration.ofHours(1);

	private final Path directory;

	private final Clock clock;

	public DemoCertificates(Path directory, Clock clock) {
		this.directory = directory;
		this.clock = clock;
	}

	/** The folder configured by {@value #DIRECTORY_PROPERTY}, or {@value #DEFAULT_DIRECTORY}. */
	public static Path directory(Environment environment) {
		return Path.of(environment.getProperty(DIRECTORY_PROPERTY, DEFAULT_DIRECTORY));
	}

	/** Creates missing, unreadable or expiring files and reuses the others. */
	public Report ensure() {
		try {
			Files.createDirectories(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create " + this.directory, ex);
		}
		Instant now = this.clock.instant();
		List<String> created = new ArrayList<>();
		List<String> reused = new ArrayList<>();
		DemoCertificateAuthority authority = loadAuthority(now);
		boolean newAuthority = (authority == null);
		if (newAuthority) {
			authority = DemoCertificateAuthority.create(now.minus(BACKDATE), now.plus(VALIDITY));
			PemFiles.writePrivateKey(keyFile(CA), authority.privateKey());
			PemFiles.writeCertificates(certificateFile(CA), List.of(authority.certificate()));
			created.add(CA);
		}
		else {
			reused.add(CA);
		}
		for (DemoCertificate certificate : CERTIFICATES) {
			// A new CA invalidates every leaf: they would no longer chain to the ca.crt on disk.
			if (!newAuthority && isUsable(certificate, authority, now)) {
				reused.add(certificate.name());
				continue;
			}
			DemoCertificateAuthority.IssuedCertificate issued = authority.issue(certificate, now.minus(BACKDATE),
					now.plus(VALIDITY));
			// Key first: a bundle reload triggered by the new .crt then finds the matching key.
			PemFiles.writePrivateKey(keyFile(certificate.name()), issued.privateKey());
			PemFiles.writeCertificates(certificateFile(certificate.name()),
					List.of(issued.certificate(), authority.certificate()));
			created.add(certificate.name());
		}
		return new Report(created, reused);
	}

	Path certificateFile(String name) {
		return this.directory.resolve(name + ".crt");
	}

	Path keyFile(String name) {
		return this.directory.resolve(name + ".key");
	}

	/** The DNS names among the subject alternative names of {@code certificate}. */
	public static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
		Collection<List<?>> names = certificate.getSubjectAlternativeNames();
		if (names == null) {
			return List.of();
		}
		return names.stream()
			.filter((name) -> Integer.valueOf(2).equals(name.get(0)))
			.map((name) -> (String) name.get(1))
			.toList();
	}

	private DemoCertificateAuthority loadAuthority(Instant now) {
		try {
			if (!Files.isRegularFile(certificateFile(CA)) || !Files.isRegularFile(keyFile(CA))) {
				return null;
			}
			X509Certificate certificate = PemFiles.readCertificates(certificateFile(CA)).get(0);
			PrivateKey privateKey = PemFiles.readPrivateKey(keyFile(CA));
			if (!isCurrent(certificate, now) || !DemoCertificateAuthority.isKeyPair(privateKey, certificate.getPublicKey())) {
				return null;
			}
			return new DemoCertificateAuthority(certificate, privateKey);
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			// Unreadable files are treated like missing ones: the demo starts over with a new CA.
			return null;
		}
	}

	private boolean isUsable(DemoCertificate certificate, DemoCertificateAuthority authority, Instant now) {
		try {
			Path certificateFile = certificateFile(certificate.name());
			Path keyFile = keyFile(certificate.name());
			if (!Files.isRegularFile(certificateFile) || !Files.isRegularFile(keyFile)) {
				return false;
			}
			List<X509Certificate> chain = PemFiles.readCertificates(certificateFile);
			X509Certificate leaf = chain.get(0);
			return chain.size() == 2 && chain.get(1).equals(authority.certificate()) && authority.issued(leaf)
					&& isCurrent(leaf, now) && dnsNames(leaf).equals(certificate.dnsNames())
					&& DemoCertificateAuthority.isKeyPair(PemFiles.readPrivateKey(keyFile), leaf.getPublicKey());
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			return false;
		}
	}

	private static boolean isCurrent(X509Certificate certificate, Instant now) {
		return !certificate.getNotBefore().toInstant().isAfter(now)
				&& certificate.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE));
	}

	/**
	 * What {@link #ensure()} did.
	 *
	 * @param created names written this time ({@code ca} and/or certificate names)
	 * @param reused names kept from an earlier start
	 */
	public record Report(List<String> created, List<String> reused) {

		public Report {
			created = List.copyOf(created);
			reused = List.copyOf(reused);
		}

	}

}
