package io.github.snistarter.testkit;

import java.net.Socket;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts every certificate chain without any check, so a test can connect first and then
 * assert on the certificate the server chose. Extends {@link X509ExtendedTrustManager} so that
 * JSSE does not wrap it with its own hostname and algorithm checks. Tests only!
 */
public final class TrustAllTrustManager extends X509ExtendedTrustManager {

	/** The single instance. */
	public static final TrustAllTrustManager INSTANCE = new TrustAllTrustManager();

	private TrustAllTrustManager() {
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) {
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) {
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return new X509Certificate[0];
	}

}
