package io.github.snistarter.store;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link SSLContext} that serves one certificate chain and key, with the
 * server's protocol and trust material (so that client authentication configured on the
 * server keeps working for every certificate).
 */
public final class CertificateContextFactory {

	private final String protocol;

	private final TrustManager @Nullable [] trustManagers;

	/**
	 * Create a factory.
	 * @param protocol the {@link SSLContext} protocol, usually {@code TLS}
	 * @param trustManagers the server's trust managers, or {@code null} for the JDK's
	 * default
	 */
	public CertificateContextFactory(String protocol, TrustManager @Nullable [] trustManagers) {
		this.protocol = protocol;
		this.trustManagers = (trustManagers != null) ? trustManagers.clone() : null;
	}

	/**
	 * Build a context whose only key is the given one.
	 * @param chain the certificate chain, leaf first
	 * @param key the leaf's private key
	 * @return the context
	 * @throws GeneralSecurityException when the context cannot be created
	 */
	public SSLContext create(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException {
		SSLContext context = SSLContext.getInstance(this.protocol);
		context.init(new KeyManager[] { new SingleKeyManager(chain, key) }, this.trustManagers, null);
		return context;
	}

}
