package io.github.snistarter.core;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ClientHello;
import io.github.snistarter.SniDecision;
import io.github.snistarter.store.BundleCertificateStore;
import io.github.snistarter.store.CertificateContextFactory;
import io.github.snistarter.store.CertificateInfo;
import io.github.snistarter.store.CertificateSource;
import io.github.snistarter.store.CertificateStore;
import io.github.snistarter.store.CertificateStoreCallback;
import io.github.snistarter.store.KeyAlgorithm;
import io.github.snistarter.store.StoredCertificate;
import io.github.snistarter.store.UnknownNamePolicy;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

/**
 * The cost of selection alone, on the path a handshake takes, with the context cache
 * warm. The store holds {@code names} certificates, each serving {@code nI.bench.test}
 * and {@code *.nI.bench.test} (one exact name and one wildcard, the usual shape of a
 * certificate); lookups rotate over 1,024 names spread across the store:
 * <ul>
 * <li>{@code select}: the default callback, {@link CertificateStoreCallback#select}, for
 * a ready {@link ClientHello} (index lookup, ranking, cached context);</li>
 * <li>{@code parseAndNormalize}: the ClientHello message decoded and its server name
 * checked and normalized;</li>
 * <li>{@code selection}: everything the engine does to decide: collect the records,
 * parse, normalize, build the {@link ClientHello} and run the callback.</li>
 * </ul>
 * The ClientHellos are real ones, made by the JDK's TLS 1.3 client. It lives in the
 * core's package because that API is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmx2g" })
public class SelectionBenchmark {

	private static final int ROTATION = 1024;

	@Param({ "1", "1000", "100000" })
	public int names;

	@Param({ "exact", "wildcard", "unknown" })
	public String kind;

	private CertificateStore store;

	private CertificateStoreCallback callback;

	private ServerNameSelector selector;

	private ClientHello[] hellos;

	private byte[][] records;

	private byte[][] messages;

	private int next;

	private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, null, null);
		SyntheticSource source = new SyntheticSource(this.names, context);
		this.store = new CertificateStore(List.of(source), new CertificateContextFactory("TLS", null), 4096, 2);
		BundleCertificateStore defaults = new BundleCertificateStore(new DefaultSslBundleRegistry(),
				java.util.Map.of(), null, null);
		this.callback = new CertificateStoreCallback(this.store, defaults, UnknownNamePolicy.DEFAULT,
				Duration.ofSeconds(2));
		this.selector = new ServerNameSelector(new ActiveServerNameCallback(this.callback), () -> context,
				Duration.ofSeconds(10));
		this.hellos = new ClientHello[ROTATION];
		this.records = new byte[ROTATION][];
		this.messages = new byte[ROTATION][];
		for (int i = 0; i < ROTATION; i++) {
			int index = (int) ((i * 7919L) % this.names);
			String name = switch (this.kind) {
				case "exact" -> String.format(Locale.ROOT, "n%d.bench.test", index);
				case "wildcard" -> String.format(Locale.ROOT, "www.n%d.bench.test", index);
				default -> String.format(Locale.ROOT, "unknown%d.bench.test", i);
			};
			this.records[i] = clientHelloRecords(name);
			ClientHelloReader reader = new ClientHelloReader(ServerNameSelector.MAX_CLIENT_HELLO);
			reader.read(ByteBuffer.wrap(this.records[i]));
			this.messages[i] = reader.message();
			ParsedClientHello parsed = ClientHelloParser.parse(this.messages[i]);
			this.hellos[i] = new ClientHello(name, name, parsed.applicationProtocols(), parsed.cipherSuites(),
					List.of("TLSv1.3", "TLSv1.2"), parsed.signatureSchemes(), parsed.supportedGroups(), this.client,
					context);
		}
		// Warm the context cache: every name in the rotation has its context built.
		for (ClientHello hello : this.hellos) {
			SniDecision decision = this.callback.select(hello);
			if (decision instanceof SniDecision.Fail) {
				throw new IllegalStateException("Selection failed for " + hello.serverName());
			}
			boolean expectsContext = !this.kind.equals("unknown");
			if (expectsContext != (decision instanceof SniDecision.UseContext)) {
				throw new IllegalStateException("Unexpected decision " + decision + " for " + hello.serverName());
			}
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.store.close();
	}

	@Benchmark
	public SniDecision select() {
		return this.callback.select(this.hellos[nextIndex()]);
	}

	@Benchmark
	public Object parseAndNormalize() throws TlsFormatException {
		ParsedClientHello parsed = ClientHelloParser.parse(this.messages[nextIndex()]);
		return ServerNames.normalize(parsed.hostName());
	}

	@Benchmark
	public SniDecision selection() throws TlsFormatException {
		ClientHelloReader reader = new ClientHelloReader(ServerNameSelector.MAX_CLIENT_HELLO);
		reader.read(ByteBuffer.wrap(this.records[nextIndex()]));
		ParsedClientHello parsed = ClientHelloParser.parse(reader.message());
		return this.selector.decide(this.selector.serverName(parsed, this.client), parsed, this.client);
	}

	private int nextIndex() {
		int index = this.next;
		this.next = (index + 1) & (ROTATION - 1);
		return index;
	}

	/** The records of a real TLS 1.3 ClientHello from the JDK's client, with SNI and ALPN. */
	static byte[] clientHelloRecords(String serverName) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, null, null);
		SSLEngine engine = context.createSSLEngine(serverName, 443);
		engine.setUseClientMode(true);
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setServerNames(List.of(new SNIHostName(serverName)));
		parameters.setApplicationProtocols(new String[] { "h2", "http/1.1" });
		engine.setSSLParameters(parameters);
		ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
		engine.wrap(ByteBuffer.allocate(0), out);
		out.flip();
		byte[] bytes = new byte[out.remaining()];
		out.get(bytes);
		return bytes;
	}

	/** A source of many certificates whose contexts are one shared context: selection is measured, not building. */
	static final class SyntheticSource implements CertificateSource {

		private final List<StoredCertificate> certificates;

		private final SSLContext context;

		SyntheticSource(int count, SSLContext context) {
			this.context = context;
			this.certificates = new ArrayList<>(count);
			Instant notBefore = Instant.now().minus(Duration.ofDays(1));
			Instant notAfter = Instant.now().plus(Duration.ofDays(90));
			for (int i = 0; i < count; i++) {
				String name = "n" + i + ".bench.test";
				this.certificates.add(new Synthetic(this, "synthetic-" + i, List.of(name, "*." + name), notBefore,
						notAfter));
			}
		}

		@Override
		public String name() {
			return "synthetic";
		}

		@Override
		public void open(Publisher publisher) {
			publisher.publish(this.certificates, List.of());
		}

		@Override
		public SSLContext createContext(StoredCertificate certificate, CertificateContextFactory contexts) {
			return this.context;
		}

		@Override
		public List<CertificateInfo> list() {
			return List.of();
		}

	}

	private record Synthetic(CertificateSource source, String id, List<String> names, Instant notBefore,
			Instant notAfter) implements StoredCertificate {

		@Override
		public KeyAlgorithm keyAlgorithm() {
			return KeyAlgorithm.EC;
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}


}
