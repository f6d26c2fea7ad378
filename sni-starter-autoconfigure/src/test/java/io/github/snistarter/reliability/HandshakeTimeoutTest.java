package io.github.snistarter.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.snistarter.server.SniServer;
import io.github.snistarter.testkit.HandshakeResult;
import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.RawClientHello;
import io.github.snistarter.testkit.TestCa;
import io.github.snistarter.testkit.TlsClient;
import io.github.snistarter.testkit.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and oversized ClientHellos are bounded in time and memory. The handshake timeout
 * is Tomcat's {@code server.tomcat.connection-timeout}: while the handshake runs Tomcat
 * does not move its read clock, so the timeout counts from the accept, and a client that
 * trickles one byte at a time is closed as surely as one that sends nothing. Tomcat
 * checks timeouts once a second, so a connection ends within the timeout plus about one
 * second.
 */
class HandshakeTimeoutTest {

	private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Timeout, plus Tomcat's one-second timeout sweep, plus scheduling slack: hundreds of
	 * client threads on a shared 2-core machine.
	 */
	private static final Duration CLOSED_WITHIN = HANDSHAKE_TIMEOUT.plusMillis(3000);

	@TempDir
	static Path directory;

	static IssuedCertificate api;

	static SniServer server;

	@BeforeAll
	static void start() {
		TestCa ca = TestCa.shared();
		api = ca.issue("api.test");
		server = SniServer.builder(directory)
			.bundle("api", api)
			.bundle("fallback", ca.issue("default.test"))
			.serverBundle("fallback")
			.serve("api.test", "api")
			.rejectUnknownNames()
			.property("server.tomcat.connection-timeout", HANDSHAKE_TIMEOUT.toMillis() + "ms")
			.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void slowAndStalledClientHellosAreClosedWithinTheHandshakeTimeout() throws Exception {
		byte[] hello = RawClientHello.tls13().serverName("api.test").toRecord();
		List<byte[]> tinyRecords = RawClientHello.tls13().serverName("api.test").toRecords(200);
		int perKind = ReliabilitySuite.slowConnections();
		List<SlowClient> clients = new ArrayList<>();
		for (int i = 0; i < perKind; i++) {
			clients.add(new SlowClient("one byte every 100 ms", splitIntoBytes(hello), 100));
			clients.add(new SlowClient("one 1-byte record every 100 ms", tinyRecords, 100));
			clients.add(new SlowClient("half a hello, then nothing", List.of(half(hello)), 0));
			clients.add(new SlowClient("nothing at all", List.of(), 0));
		}
		ExecutorService executor = Executors.newFixedThreadPool(clients.size());
		List<Duration> closedAfter = new ArrayList<>();
		try {
			List<Future<Duration>> results = new ArrayList<>();
			for (SlowClient client : clients) {
				results.add(executor.submit(() -> client.run(server.port(), CLOSED_WITHIN.plusSeconds(5))));
			}
			for (int i = 0; i < results.size(); i++) {
				Duration closed = results.get(i).get();
				closedAfter.add(closed);
				assertThat(closed).as(clients.get(i).kind + " is closed by the server").isNotNull();
			}
		}
		finally {
			executor.shutdownNow();
		}
		Duration longest = closedAfter.stream().max(Duration::compareTo).orElseThrow();
		Duration shortest = closedAfter.stream().min(Duration::compareTo).orElseThrow();
		ReliabilitySuite.report("handshake-timeout", clients.size() + " slow or stalled connections, timeout "
				+ HANDSHAKE_TIMEOUT.toMillis() + " ms: closed after " + shortest.toMillis() + " to "
				+ longest.toMillis() + " ms from connect");
		assertThat(longest).isLessThanOrEqualTo(CLOSED_WITHIN);
		assertThat(shortest).as("not before the timeout").isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT.minusMillis(100));
		assertThat(ServerHealth.awaitNoConnections(server, Duration.ofSeconds(5))).isZero();
		assertValidHandshake();
	}

	@Test
	void largestClientHelloInOneByteRecordsIsAnsweredPromptly() throws Exception {
		// 32 KiB is the largest ClientHello the server reads; one byte per record is the
		// costliest framing (about 6 bytes on the wire per byte of message).
		RawClientHello hello = RawClientHello.tls13().serverName("api.test");
		int padding = WireShape.MAX_CLIENT_HELLO - hello.handshakeMessage().length + 4 - 4;
		hello.extension(21, new byte[padding]);
		byte[] message = hello.handshakeMessage();
		assertThat(message.length - 4).isEqualTo(WireShape.MAX_CLIENT_HELLO);
		List<byte[]> records = hello.toRecords(message.length);
		FuzzCase oneWrite = new FuzzCase(0, "32 KiB in 1-byte records", List.of(RawClientHello.concat(records)), 0,
				false);
		FuzzConnection.Outcome outcome = FuzzConnection.run(server.port(), oneWrite, Duration.ofSeconds(10),
				Duration.ofSeconds(1));
		ReliabilitySuite.report("oversize", "32 KiB ClientHello in " + records.size() + " one-byte records ("
				+ RawClientHello.concat(records).length / 1024 + " KiB on the wire): " + outcome);
		assertThat(outcome.kind()).isEqualTo(FuzzConnection.Kind.SERVER_HELLO);
		assertThat(outcome.firstEvent()).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void oversizedClientHellosAreRefusedAsSoonAsTheirSizeIsKnown() throws Exception {
		record Oversized(String description, byte[] bytes) {
		}
		RawClientHello justTooLarge = RawClientHello.tls13().serverName("api.test");
		justTooLarge.extension(21, new byte[WireShape.MAX_CLIENT_HELLO - justTooLarge.handshakeMessage().length + 1]);
		RawClientHello huge = RawClientHello.tls13().serverName("api.test");
		// Fill the extensions block to its 65535-byte maximum: the message is then over 64 KiB.
		HelloLayout.LengthField block = HelloLayout.of(huge.handshakeMessage())
			.lengthFields()
			.stream()
			.filter((field) -> field.name().equals("extensions"))
			.findFirst()
			.orElseThrow();
		huge.extension(21, new byte[0xffff - (block.end() - block.start()) - 4]);
		assertThat(huge.handshakeMessage().length).isGreaterThan(65536);
		byte[] declared16MiB = RawClientHello.record(22, new byte[] { 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 3, 3 });
		List<Oversized> cases = List.of(new Oversized("32 KiB + 1 byte", justTooLarge.toRecord()),
				new Oversized("over 64 KiB in records of 16 KiB", huge.toRecord()),
				new Oversized("first record says 16 MiB, nothing follows", declared16MiB),
				new Oversized("record of 2^14 + 1 bytes", RawClientHello.record(22, new byte[16385])),
				new Oversized("record header says 64 KiB", new byte[] { 22, 3, 1, (byte) 0xff, (byte) 0xff }));
		for (Oversized oversized : cases) {
			FuzzCase fuzzCase = new FuzzCase(0, oversized.description(), List.of(oversized.bytes()), 0, false);
			FuzzConnection.Outcome outcome = FuzzConnection.run(server.port(), fuzzCase, Duration.ofSeconds(1),
					Duration.ofSeconds(1));
			ReliabilitySuite.report("oversize", oversized.description() + ": " + outcome);
			assertThat(outcome.kind()).as(oversized.description()).isEqualTo(FuzzConnection.Kind.ALERT);
			assertThat(outcome.alertLevel()).isEqualTo(2);
			assertThat(outcome.alertDescription()).as(oversized.description()).isEqualTo(50);
			assertThat(outcome.closed()).as(oversized.description() + " closed").isNotNull();
		}
		assertValidHandshake();
	}

	@Test
	void connectionsHoldingLargePartialClientHellosUseBoundedMemory() throws Exception {
		int connections = ReliabilitySuite.LONG ? 500 : 100;
		RawClientHello large = RawClientHello.tls13().serverName("api.test");
		large.extension(21, new byte[WireShape.MAX_CLIENT_HELLO - large.handshakeMessage().length - 200]);
		List<byte[]> records = large.toRecordsOfSize(16384);
		byte[] stream = RawClientHello.concat(records);
		byte[] partial = Arrays.copyOf(stream, stream.length - 100);
		long before = ServerHealth.usedHeapAfterGc();
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < connections; i++) {
				Socket socket = new Socket();
				socket.setSoLinger(true, 0);
				socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
				socket.getOutputStream().write(partial);
				sockets.add(socket);
			}
			Thread.sleep(300);
			long during = ServerHealth.usedHeapAfterGc();
			long perConnection = Math.max(0, during - before) / connections;
			ReliabilitySuite.report("oversize", connections + " connections each holding a " + partial.length / 1024
					+ " KiB partial ClientHello: heap " + ServerHealth.mebibytes(before) + " -> "
					+ ServerHealth.mebibytes(during) + ", about " + perConnection / 1024 + " KiB per connection");
			// Tomcat's buffers (2 x 16.5 KiB network, application buffers) plus the
			// starter's copy of the records read so far.
			assertThat(perConnection).isLessThan(256 * 1024);
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		assertThat(ServerHealth.awaitNoConnections(server, Duration.ofSeconds(10))).isZero();
		assertValidHandshake();
	}

	private static void assertValidHandshake() {
		HandshakeResult result = TlsClient.trusting(TestCa.shared()).handshake(server.port(), "api.test",
				TlsVersion.TLS13);
		assertThat(result.isSuccess()).as(result.toString()).isTrue();
		assertThat(result.leafCertificate().getSerialNumber()).isEqualTo(api.serial());
	}

	private static List<byte[]> splitIntoBytes(byte[] bytes) {
		return RawClientHello.split(bytes, bytes.length);
	}

	private static byte[] half(byte[] bytes) {
		return Arrays.copyOf(bytes, bytes.length / 2);
	}

	/** A client that sends its pieces slowly and reports when the server closed. */
	private record SlowClient(String kind, List<byte[]> pieces, int delayMillis) {

		/** Time from connect to the server's close, {@code null} if still open at the deadline. */
		Duration run(int port, Duration giveUpAfter) throws IOException {
			try (Socket socket = new Socket()) {
				socket.setTcpNoDelay(true);
				socket.setSoLinger(true, 0);
				socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
				long connected = System.nanoTime();
				long deadline = connected + giveUpAfter.toNanos();
				OutputStream out = socket.getOutputStream();
				InputStream in = socket.getInputStream();
				int next = 0;
				while (System.nanoTime() < deadline) {
					if (next < this.pieces.size()) {
						try {
							out.write(this.pieces.get(next++));
							out.flush();
						}
						catch (IOException ex) {
							return Duration.ofNanos(System.nanoTime() - connected);
						}
					}
					socket.setSoTimeout((this.delayMillis > 0) ? this.delayMillis : 100);
					try {
						if (in.read() == -1) {
							return Duration.ofNanos(System.nanoTime() - connected);
						}
						throw new IllegalStateException(this.kind + ": the server answered an incomplete hello");
					}
					catch (SocketTimeoutException ex) {
						// still open
					}
					catch (SocketException ex) {
						return Duration.ofNanos(System.nanoTime() - connected);
					}
				}
				return null;
			}
		}

	}

}
