package io.github.snistarter.store;

import java.lang.ref.WeakReference;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The part of a chain after the leaf: the intermediate certificates. Thousands of
 * certificates from one CA share one instance, so an idle certificate costs its own
 * leaf and key only. Instances are interned weakly: one that no certificate uses any
 * more is collected.
 */
final class IssuerChain {

	static final IssuerChain EMPTY = new IssuerChain(new X509Certificate[0]);

	private static final Map<IssuerChain, WeakReference<IssuerChain>> interned = new WeakHashMap<>();

	private final X509Certificate[] certificates;

	private final int hash;

	private IssuerChain(X509Certificate[] certificates) {
		this.certificates = certificates;
		this.hash = Arrays.hashCode(certificates);
	}

	/**
	 * The shared instance for the given certificates.
	 * @param certificates the intermediates, in chain order
	 * @return the chain
	 */
	static IssuerChain of(List<X509Certificate> certificates) {
		if (certificates.isEmpty()) {
			return EMPTY;
		}
		IssuerChain chain = new IssuerChain(certificates.toArray(X509Certificate[]::new));
		synchronized (interned) {
			WeakReference<IssuerChain> existing = interned.get(chain);
			IssuerChain shared = (existing != null) ? existing.get() : null;
			if (shared != null) {
				return shared;
			}
			interned.put(chain, new WeakReference<>(chain));
			return chain;
		}
	}

	List<X509Certificate> certificates() {
		return List.of(this.certificates);
	}

	@Override
	public boolean equals(Object other) {
		// X509Certificate.equals compares the encoded form.
		return this == other
				|| (other instanceof IssuerChain chain && Arrays.equals(this.certificates, chain.certificates));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

}
