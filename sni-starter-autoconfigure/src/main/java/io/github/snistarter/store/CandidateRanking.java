package io.github.snistarter.store;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Chooses one certificate among those that serve a name, deterministically. In order:
 * <ol>
 * <li>a certificate within its validity period beats one that is expired or not yet
 * valid, so an expired certificate is served only when nothing valid covers the
 * name;</li>
 * <li>an exact name beats a wildcard;</li>
 * <li>a certificate the client can use (its signature schemes accept the key) beats one
 * it cannot;</li>
 * <li>the later {@code notAfter} wins;</li>
 * <li>then the source listed first in the store, then the smaller id.</li>
 * </ol>
 */
final class CandidateRanking {

	private final List<CertificateSource> sources;

	CandidateRanking(List<CertificateSource> sources) {
		this.sources = List.copyOf(sources);
	}

	/**
	 * The best candidate.
	 * @param exact certificates registered for the exact name
	 * @param wildcard certificates registered for the wildcard that covers the name
	 * @param now the time that decides validity
	 * @param usable which key algorithms the client accepts
	 * @return the best certificate and its rule, or {@code null} when there is none
	 */
	@Nullable Selection best(StoredCertificate[] exact, StoredCertificate[] wildcard, Instant now,
			Predicate<KeyAlgorithm> usable) {
		StoredCertificate best = null;
		MatchRule bestRule = null;
		for (StoredCertificate candidate : exact) {
			if (best == null || compare(candidate, true, best, bestRule == MatchRule.EXACT, now, usable) < 0) {
				best = candidate;
				bestRule = MatchRule.EXACT;
			}
		}
		for (StoredCertificate candidate : wildcard) {
			if (best == null || compare(candidate, false, best, bestRule == MatchRule.EXACT, now, usable) < 0) {
				best = candidate;
				bestRule = MatchRule.WILDCARD;
			}
		}
		return (best != null && bestRule != null) ? new Selection(best, bestRule) : null;
	}

	/** Negative when {@code a} ranks before {@code b}. */
	private int compare(StoredCertificate a, boolean aExact, StoredCertificate b, boolean bExact, Instant now,
			Predicate<KeyAlgorithm> usable) {
		int result = Boolean.compare(b.isValidAt(now), a.isValidAt(now));
		if (result == 0) {
			result = Boolean.compare(bExact, aExact);
		}
		if (result == 0) {
			result = Boolean.compare(usable.test(b.keyAlgorithm()), usable.test(a.keyAlgorithm()));
		}
		if (result == 0) {
			result = b.notAfter().compareTo(a.notAfter());
		}
		if (result == 0) {
			result = Integer.compare(sourceOrder(a), sourceOrder(b));
		}
		if (result == 0) {
			result = a.id().compareTo(b.id());
		}
		return result;
	}

	private int sourceOrder(StoredCertificate certificate) {
		int order = this.sources.indexOf(certificate.source());
		return (order >= 0) ? order : Integer.MAX_VALUE;
	}

}
