package io.github.snistarter.core;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.SniDecision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the starter adds to a connection's engine, apart from the TLS work itself: both
 * benchmarks create the server engine the way Tomcat does and give it the same real
 * ClientHello; {@code starter} also wraps it ({@link ServerNameSelector#wrap}), selects
 * (a callback that returns a ready context) and switches to an engine of the selected
 * context. The JDK defers the ClientHello's processing to a delegated task, which
 * neither runs, so the difference is the starter's overhead per handshake.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineOverheadBenchmark {

	private SSLContext connectorContext;

	private ServerNameSelector selector;

	private byte[] records;

	private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.connectorContext = SSLContext.getInstance("TLS");
		this.connectorContext.init(null, null, null);
		SSLContext selected = SSLContext.getInstance("TLS");
		selected.init(null, null, null);
		SniDecision use = SniDecision.use(selected);
		this.selector = new ServerNameSelector(new ActiveServerNameCallback((hello) -> use), () -> this.connectorContext,
				Duration.ofSeconds(10));
		this.records = SelectionBenchmark.clientHelloRecords("n1.bench.test");
	}

	@Benchmark
	public SSLEngine plain() throws SSLException {
		SSLEngine engine = connectorEngine();
		engine.unwrap(ByteBuffer.wrap(this.records), ByteBuffer.allocate(16709));
		return engine;
	}

	@Benchmark
	public SSLEngine starter() throws SSLException {
		SSLEngine engine = this.selector.wrap(connectorEngine(), this.client);
		engine.unwrap(ByteBuffer.wrap(this.records), ByteBuffer.allocate(16709));
		return engine;
	}

	/** As Tomcat's endpoint configures a connection's engine. */
	private SSLEngine connectorEngine() {
		SSLEngine engine = this.connectorContext.createSSLEngine();
		engine.setUseClientMode(false);
		engine.setEnabledProtocols(new String[] { "TLSv1.3", "TLSv1.2" });
		engine.setEnabledCipherSuites(engine.getSupportedCipherSuites().length > 0 ? engine.getEnabledCipherSuites()
				: new String[0]);
		var parameters = engine.getSSLParameters();
		parameters.setUseCipherSuitesOrder(true);
		parameters.setApplicationProtocols(List.of("http/1.1").toArray(String[]::new));
		engine.setSSLParameters(parameters);
		engine.setNeedClientAuth(false);
		return engine;
	}

}
