package io.github.snistarter.benchmarks;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.core.ServerNameSelector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole TLS 1.3 handshake in memory, client and server engines on one thread, no
 * sockets, no resumption: {@code plain} serves the certificate from the connector's
 * engine as Tomcat alone does; {@code starter} wraps that engine with
 * {@link ServerNameSelector#wrap}, whose callback selects the certificate's context
 * from a map by server name, so the handshake continues on an engine of the selected
 * context. Their ratio is the handshake throughput ratio of a CPU-bound server, free of
 * the network stack and of the scheduling noise of a shared machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {

	@Param({ "EC", "RSA" })
	public String key;

	private SSLContext certificateContext;

	private SSLContext otherContext;

	private SSLContext clientContext;

	private ServerNameSelector selector;

	private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);

	private final ByteBuffer empty = ByteBuffer.allocate(0);

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		Path data = Files.createTempDirectory("handshake-benchmark");
		BenchCertificates certificates = new BenchCertificates(data, BenchCertificates.KeyKind.valueOf(this.key))
			.ensure(1);
		this.certificateContext = context(certificates, certificates.certificate(0), certificates.key(0));
		this.otherContext = context(certificates, certificates.defaultCertificate(), certificates.defaultKey());
		this.clientContext = SSLContext.getInstance("TLS");
		this.clientContext.init(null, new TrustManager[] { new TrustAll() }, null);
		Map<String, SniDecision> decisions = Map.of(BenchCertificates.name(0),
				SniDecision.use(this.certificateContext));
		this.selector = new ServerNameSelector(new ActiveServerNameCallback((hello) -> decisions.get(hello.serverName())),
				() -> this.otherContext, Duration.ofSeconds(10));
	}

	@Benchmark
	public SSLEngine plain() throws SSLException {
		SSLEngine server = connectorEngine(this.certificateContext);
		handshake(server);
		return server;
	}

	@Benchmark
	public SSLEngine starter() throws SSLException {
		SSLEngine server = this.selector.wrap(connectorEngine(this.otherContext), this.client);
		handshake(server);
		return server;
	}

	private void handshake(SSLEngine server) throws SSLException {
		SSLEngine clientEngine = this.clientContext.createSSLEngine();
		clientEngine.setUseClientMode(true);
		SSLParameters parameters = clientEngine.getSSLParameters();
		parameters.setServerNames(List.of(new SNIHostName(BenchCertificates.name(0))));
		parameters.setProtocols(new String[] { "TLSv1.3" });
		clientEngine.setSSLParameters(parameters);
		ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
		ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
		ByteBuffer application = ByteBuffer.allocate(clientEngine.getSession().getApplicationBufferSize());
		clientEngine.beginHandshake();
		server.beginHandshake();
		for (int step = 0; step < 100; step++) {
			boolean clientDone = step(clientEngine, toClient, toServer, application);
			boolean serverDone = step(server, toServer, toClient, application);
			if (clientDone && serverDone) {
				return;
			}
		}
		throw new IllegalStateException("Handshake did not complete: " + clientEngine.getHandshakeStatus() + " / "
				+ server.getHandshakeStatus());
	}

	/** Move one engine as far as it can; {@code true} when its handshake is over. */
	private boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer application) throws SSLException {
		while (true) {
			HandshakeStatus status = engine.getHandshakeStatus();
			switch (status) {
				case NEED_WRAP -> {
					if (engine.wrap(this.empty, out).bytesProduced() == 0 && engine.getHandshakeStatus() == status) {
						return false;
					}
				}
				case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
					in.flip();
					int before = in.remaining();
					engine.unwrap(in, application);
					application.clear();
					boolean progress = in.remaining() != before;
					in.compact();
					if (!progress && engine.getHandshakeStatus() == status) {
						return false;
					}
				}
				case NEED_TASK -> {
					Runnable task;
					while ((task = engine.getDelegatedTask()) != null) {
						task.run();
					}
				}
				default -> {
					return true;
				}
			}
		}
	}

	private static SSLEngine connectorEngine(SSLContext context) {
		SSLEngine engine = context.createSSLEngine();
		engine.setUseClientMode(false);
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setProtocols(new String[] { "TLSv1.3", "TLSv1.2" });
		parameters.setUseCipherSuitesOrder(true);
		parameters.setApplicationProtocols(new String[] { "http/1.1" });
		engine.setSSLParameters(parameters);
		return engine;
	}

	private static SSLContext context(BenchCertificates certificates, Path chain, Path key) throws Exception {
		PrivateKey privateKey = BenchCertificates.readKey(key, certificates.kind().algorithm());
		X509Certificate[] certificateChain = BenchCertificates.readCertificates(chain).toArray(X509Certificate[]::new);
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry("key", privateKey, new char[0], certificateChain);
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(store, new char[0]);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(factory.getKeyManagers(), null, null);
		return context;
	}

	private static final class TrustAll implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
