package io.github.snistarter.store;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;

/**
 * Builds a {@link CertificateEntry} from a Spring Boot {@link SslBundle}, after checking
 * that the material is usable: a key entry with a certificate chain, and a private key
 * that matches the certificate. Errors name the bundle and never include key bytes.
 */
final class SslBundleContexts {

	private SslBundleContexts() {
	}

	/**
	 * Load a bundle.
	 * @param bundleName the bundle's name, for messages
	 * @param bundle the bundle
	 * @param fallbackTrust trust managers for bundles without a trust store (the
	 * server's, so that client authentication keeps working), or {@code null}
	 * @return the entry
	 * @throws InvalidCertificateException when the material is unusable
	 */
	static CertificateEntry load(String bundleName, SslBundle bundle, TrustManager @Nullable [] fallbackTrust) {
		String source = "bundle '" + bundleName + "'";
		KeyStore keyStore = bundle.getStores().getKeyStore();
		if (keyStore == null) {
			throw new InvalidCertificateException(source, "it has no key store");
		}
		try {
			String alias = keyAlias(keyStore, bundle.getKey());
			if (alias == null) {
				throw new InvalidCertificateException(source, "its key store holds no private key entry"
						+ ((bundle.getKey().getAlias() != null) ? " with alias '" + bundle.getKey().getAlias() + "'" : ""));
			}
			List<X509Certificate> chain = chain(keyStore.getCertificateChain(alias));
			if (chain.isEmpty()) {
				throw new InvalidCertificateException(source, "its key entry has no X.509 certificate");
			}
			Key key = keyStore.getKey(alias, password(bundle));
			if (!(key instanceof PrivateKey privateKey) || !CertificateChecks.keyMatches(privateKey, chain.get(0))) {
				throw new InvalidCertificateException(source, "the private key does not match the certificate");
			}
			CertificateChecks.checkChainOrder(source, chain);
			SSLContext context = SSLContext.getInstance(bundle.getProtocol());
			TrustManager[] trust = (bundle.getStores().getTrustStore() == null && fallbackTrust != null) ? fallbackTrust
					: bundle.getManagers().getTrustManagers();
			context.init(bundle.getManagers().getKeyManagers(), trust, null);
			return new CertificateEntry(source, chain, context);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			if (ex instanceof InvalidCertificateException invalid) {
				throw invalid;
			}
			throw new InvalidCertificateException(source, "it cannot be loaded (" + ex.getClass().getSimpleName()
					+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : "") + ")");
		}
	}

	private static @Nullable String keyAlias(KeyStore keyStore, SslBundleKey key) throws GeneralSecurityException {
		if (key.getAlias() != null) {
			return keyStore.isKeyEntry(key.getAlias()) ? key.getAlias() : null;
		}
		for (String alias : Collections.list(keyStore.aliases())) {
			if (keyStore.isKeyEntry(alias)) {
				return alias;
			}
		}
		return null;
	}

	private static char @Nullable [] password(SslBundle bundle) {
		String password = (bundle.getKey().getPassword() != null) ? bundle.getKey().getPassword()
				: bundle.getStores().getKeyStorePassword();
		return (password != null) ? password.toCharArray() : new char[0];
	}

	private static List<X509Certificate> chain(Certificate @Nullable [] certificates) {
		List<X509Certificate> chain = new ArrayList<>();
		if (certificates != null) {
			for (Certificate certificate : certificates) {
				if (certificate instanceof X509Certificate x509) {
					chain.add(x509);
				}
			}
		}
		return chain;
	}

}
