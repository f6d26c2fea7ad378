package io.github.snistarter.store;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import org.jspecify.annotations.Nullable;

/**
 * A key manager holding exactly one chain and key. Cheaper to build than a
 * {@link javax.net.ssl.KeyManagerFactory} over a key store, which protects every key with
 * password-based encryption first. It offers the key only for the key type it is, so
 * JSSE ends a handshake that needs another kind of key with {@code handshake_failure}.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {

	private static final String ALIAS = "certificate";

	private final X509Certificate[] chain;

	private final PrivateKey key;

	SingleKeyManager(List<X509Certificate> chain, PrivateKey key) {
		this.chain = chain.toArray(X509Certificate[]::new);
		this.key = key;
	}

	@Override
	public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
		return matches(keyType) ? new String[] { ALIAS } : null;
	}

	@Override
	public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
		return matches(keyType) ? ALIAS : null;
	}

	@Override
	public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
			@Nullable SSLEngine engine) {
		return matches(keyType) ? ALIAS : null;
	}

	@Override
	public X509Certificate @Nullable [] getCertificateChain(String alias) {
		return ALIAS.equals(alias) ? this.chain.clone() : null;
	}

	@Override
	public @Nullable PrivateKey getPrivateKey(String alias) {
		return ALIAS.equals(alias) ? this.key : null;
	}

	@Override
	public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
		return null;
	}

	@Override
	public @Nullable String chooseClientAlias(String[] keyTypes, Principal @Nullable [] issuers,
			@Nullable Socket socket) {
		return null;
	}

	/** JSSE asks for "RSA", "RSASSA-PSS", "EC", "EdDSA", and for old suites "EC_RSA"-style pairs. */
	private boolean matches(String keyType) {
		int separator = keyType.indexOf('_');
		String wanted = (separator > 0) ? keyType.substring(0, separator) : keyType;
		String actual = this.key.getAlgorithm();
		return wanted.equals(actual) || (KeyAlgorithm.of(wanted) == KeyAlgorithm.EDDSA
				&& KeyAlgorithm.of(actual) == KeyAlgorithm.EDDSA);
	}

}
