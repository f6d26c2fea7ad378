package io.github.snistarter.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Builds ClientHello bytes by hand, so tests can send what no TLS library would: malformed
 * SNI names (trailing dot, NUL bytes, raw non-ASCII, empty labels, empty name), two names
 * in one {@code server_name} list, duplicate extensions, exotic signature algorithms, or a
 * handshake message split over several records.
 * <p>
 * {@link #tls13()} offers TLS 1.3 and 1.2 with a real X25519 key share; {@link #tls12()} is
 * a TLS 1.2-only hello (no {@code supported_versions}). Random, session id and key share are
 * fixed when the builder is created, so repeated calls produce identical bytes.
 * <pre>{@code
 * byte[] records = RawClientHello.tls13().serverNameBytes("shop.test.".getBytes(US_ASCII)).toRecord();
 * WireResult result = RawTlsClient.send(port, records, Duration.ofSeconds(2));
 * }</pre>
 */
public final class RawClientHello {

	public static final int CONTENT_TYPE_CHANGE_CIPHER_SPEC = 20;

	public static final int CONTENT_TYPE_ALERT = 21;

	public static final int CONTENT_TYPE_HANDSHAKE = 22;

	public static final int CONTENT_TYPE_APPLICATION_DATA = 23;

	public static final int HANDSHAKE_CLIENT_HELLO = 1;

	public static final int EXT_SERVER_NAME = 0;

	public static final int EXT_SUPPORTED_GROUPS = 10;

	public static final int EXT_EC_POINT_FORMATS = 11;

	public static final int EXT_SIGNATURE_ALGORITHMS = 13;

	public static final int EXT_ALPN = 16;

	public static final int EXT_EXTENDED_MASTER_SECRET = 23;

	public static final int EXT_SUPPORTED_VERSIONS = 43;

	public static final int EXT_PSK_KEY_EXCHANGE_MODES = 45;

	public static final int EXT_KEY_SHARE = 51;

	public static final int EXT_RENEGOTIATION_INFO = 0xff01;

	public static final int GROUP_SECP256R1 = 0x0017;

	public static final int GROUP_SECP384R1 = 0x0018;

	public static final int GROUP_X25519 = 0x001d;

	/** Largest record fragment TLS allows (2^14). */
	public static final int MAX_FRAGMENT_LENGTH = 16384;

	/** The record-layer version of an initial ClientHello, as most clients send it. */
	private static final int RECORD_VERSION = 0x0301;

	private static final int SNI_HOST_NAME = 0;

	private final boolean tls13;

	private final byte[] random = new byte[32];

	private final byte[] sessionId;

	private final byte[] x25519PublicKey;

	private List<Integer> cipherSuites;

	private List<Integer> signatureSchemes = SignatureSchemes.DEFAULT;

	private List<Integer> supportedGroups = List.of(GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1);

	private List<Integer> supportedVersions = List.of(0x0304, 0x0303);

	private List<String> alpn = List.of();

	private byte @Nullable [] serverNameData;

	private boolean emptyKeyShare;

	private final List<Extension> extraExtensions = new ArrayList<>();

	private RawClientHello(boolean tls13) {
		this.tls13 = tls13;
		TestCa.RANDOM.nextBytes(this.random);
		this.sessionId = new byte[tls13 ? 32 : 0];
		TestCa.RANDOM.nextBytes(this.sessionId);
		this.x25519PublicKey = tls13 ? newX25519PublicKey() : new byte[0];
		this.cipherSuites = tls13 ? joined(CipherSuites.TLS13_CODES, CipherSuites.TLS12_CODES)
				: CipherSuites.TLS12_CODES;
	}

	/** A TLS 1.3 ClientHello (also offering 1.2) with no SNI until one is set. */
	public static RawClientHello tls13() {
		return new RawClientHello(true);
	}

	/** A TLS 1.2-only ClientHello with no SNI until one is set. */
	public static RawClientHello tls12() {
		return new RawClientHello(false);
	}

	/** SNI with one {@code host_name} entry: the ASCII bytes of the name (control characters allowed). */
	public RawClientHello serverName(String asciiName) {
		if (!StandardCharsets.US_ASCII.newEncoder().canEncode(asciiName)) {
			throw new IllegalArgumentException("Use serverNameBytes(...) for non-ASCII names: " + asciiName);
		}
		return serverNameBytes(asciiName.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * SNI with one {@code host_name} entry per argument, all in one {@code server_name_list}
	 * (so two arguments give the forbidden "two host names" list). The bytes are sent as
	 * given: any encoding, empty, NUL, trailing dot.
	 */
	public RawClientHello serverNameBytes(byte[]... hostNames) {
		return serverNameExtensionData(serverNameList(hostNames));
	}

	/** Sends exactly these bytes as the {@code server_name} extension data. */
	public RawClientHello serverNameExtensionData(byte[] extensionData) {
		this.serverNameData = extensionData.clone();
		return this;
	}

	/** Omits the {@code server_name} extension (the default). */
	public RawClientHello noServerName() {
		this.serverNameData = null;
		return this;
	}

	/** ALPN protocols to offer; no ALPN extension when empty (the default). */
	public RawClientHello alpn(String... protocols) {
		this.alpn = List.of(protocols);
		return this;
	}

	/** Cipher suite codes (see {@link CipherSuites}) in preference order. */
	public RawClientHello cipherSuites(int... suites) {
		this.cipherSuites = Arrays.stream(suites).boxed().toList();
		return this;
	}

	/** Cipher suite codes (see {@link CipherSuites}) in preference order. */
	public RawClientHello cipherSuites(List<Integer> suites) {
		this.cipherSuites = List.copyOf(suites);
		return this;
	}

	/** {@code signature_algorithms} codes, e.g. {@link SignatureSchemes#ECDSA_ONLY}. */
	public RawClientHello signatureSchemes(List<Integer> schemes) {
		this.signatureSchemes = List.copyOf(schemes);
		return this;
	}

	/** {@code signature_algorithms} codes, e.g. {@link SignatureSchemes#ECDSA_SECP256R1_SHA256}. */
	public RawClientHello signatureSchemes(int... schemes) {
		return signatureSchemes(Arrays.stream(schemes).boxed().toList());
	}

	/**
	 * {@code supported_groups} (default x25519, secp256r1, secp384r1). The key share is
	 * always X25519; see {@link #emptyKeyShare()} to provoke a HelloRetryRequest.
	 */
	public RawClientHello supportedGroups(int... groups) {
		this.supportedGroups = Arrays.stream(groups).boxed().toList();
		return this;
	}

	/** {@code supported_versions} of a TLS 1.3 hello (default {@code 0x0304, 0x0303}). */
	public RawClientHello supportedVersions(int... versions) {
		if (!this.tls13) {
			throw new IllegalStateException("A TLS 1.2 hello has no supported_versions extension");
		}
		this.supportedVersions = Arrays.stream(versions).boxed().toList();
		return this;
	}

	/**
	 * Sends a TLS 1.3 {@code key_share} without entries, which obliges the server to answer
	 * with a HelloRetryRequest (or an alert).
	 */
	public RawClientHello emptyKeyShare() {
		if (!this.tls13) {
			throw new IllegalStateException("A TLS 1.2 hello has no key_share extension");
		}
		this.emptyKeyShare = true;
		return this;
	}

	/**
	 * Appends an extension after the standard ones. Adding a type that is already present
	 * (e.g. a second {@link #EXT_SERVER_NAME}) produces a duplicate extension.
	 */
	public RawClientHello extension(int type, byte[] data) {
		this.extraExtensions.add(new Extension(type, data.clone()));
		return this;
	}

	/** The {@code server_name} extension data that will be sent, {@code null} if omitted. */
	public byte @Nullable [] serverNameExtensionData() {
		return (this.serverNameData != null) ? this.serverNameData.clone() : null;
	}

	/** The raw 32-byte X25519 public key of the key share (empty for TLS 1.2). */
	public byte[] x25519PublicKey() {
		return this.x25519PublicKey.clone();
	}

	/** The ClientHello handshake message: type 1, 24-bit length, body. */
	public byte[] handshakeMessage() {
		byte[] body = TlsByteWriter.build((hello) -> hello.u16(0x0303)
			.bytes(this.random)
			.vector8(this.sessionId)
			.vector16((list) -> this.cipherSuites.forEach(list::u16))
			.vector8(new byte[] { 0 })
			.vector16(this::writeExtensions));
		return new TlsByteWriter().u8(HANDSHAKE_CLIENT_HELLO).vector24(body).toByteArray();
	}

	/** The hello in as few records as possible (one, unless it exceeds 2^14 bytes). */
	public byte[] toRecord() {
		return concat(toRecordsOfSize(MAX_FRAGMENT_LENGTH));
	}

	/** The hello split into {@code count} handshake records of (nearly) equal size. */
	public List<byte[]> toRecords(int count) {
		return split(handshakeMessage(), count).stream()
			.map((fragment) -> record(CONTENT_TYPE_HANDSHAKE, fragment))
			.toList();
	}

	/** The hello split into handshake records of at most {@code maxFragmentLength} bytes each. */
	public List<byte[]> toRecordsOfSize(int maxFragmentLength) {
		byte[] message = handshakeMessage();
		return toRecords((message.length + maxFragmentLength - 1) / maxFragmentLength);
	}

	/** {@code server_name} extension data: a list with one {@code host_name} entry per argument. */
	public static byte[] serverNameList(byte[]... hostNames) {
		return TlsByteWriter.build((extension) -> extension.vector16((list) -> {
			for (byte[] name : hostNames) {
				list.u8(SNI_HOST_NAME).vector16(name);
			}
		}));
	}

	/** One TLS record (record version {@code 0x0301}). */
	public static byte[] record(int contentType, byte[] fragment) {
		return new TlsByteWriter().u8(contentType).u16(RECORD_VERSION).vector16(fragment).toByteArray();
	}

	/** Splits data into {@code parts} non-empty consecutive pieces of (nearly) equal size. */
	public static List<byte[]> split(byte[] data, int parts) {
		if (parts < 1 || parts > data.length) {
			throw new IllegalArgumentException("Cannot split " + data.length + " bytes into " + parts + " parts");
		}
		List<byte[]> pieces = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < parts; i++) {
			int end = start + (data.length - start) / (parts - i);
			pieces.add(Arrays.copyOfRange(data, start, end));
			start = end;
		}
		return pieces;
	}

	/** Concatenates byte arrays, e.g. records into one TCP write. */
	public static byte[] concat(List<byte[]> pieces) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		pieces.forEach(out::writeBytes);
		return out.toByteArray();
	}

	private void writeExtensions(TlsByteWriter extensions) {
		if (this.serverNameData != null) {
			writeExtension(extensions, EXT_SERVER_NAME, this.serverNameData);
		}
		writeExtension(extensions, EXT_EC_POINT_FORMATS, new byte[] { 1, 0 });
		writeExtension(extensions, EXT_SUPPORTED_GROUPS,
				TlsByteWriter.build((data) -> data.vector16((list) -> this.supportedGroups.forEach(list::u16))));
		writeExtension(extensions, EXT_SIGNATURE_ALGORITHMS,
				TlsByteWriter.build((data) -> data.vector16((list) -> this.signatureSchemes.forEach(list::u16))));
		if (!this.alpn.isEmpty()) {
			writeExtension(extensions, EXT_ALPN,
					TlsByteWriter.build((data) -> data.vector16((list) -> this.alpn.forEach(list::vector8))));
		}
		writeExtension(extensions, EXT_EXTENDED_MASTER_SECRET, new byte[0]);
		writeExtension(extensions, EXT_RENEGOTIATION_INFO, new byte[] { 0 });
		if (this.tls13) {
			writeExtension(extensions, EXT_SUPPORTED_VERSIONS,
					TlsByteWriter.build((data) -> data.vector8((list) -> this.supportedVersions.forEach(list::u16))));
			writeExtension(extensions, EXT_KEY_SHARE, TlsByteWriter.build((data) -> data.vector16((shares) -> {
				if (!this.emptyKeyShare) {
					shares.u16(GROUP_X25519).vector16(this.x25519PublicKey);
				}
			})));
			writeExtension(extensions, EXT_PSK_KEY_EXCHANGE_MODES, new byte[] { 1, 1 });
		}
		for (Extension extension : this.extraExtensions) {
			writeExtension(extensions, extension.type(), extension.data());
		}
	}

	private static void writeExtension(TlsByteWriter extensions, int type, byte[] data) {
		extensions.u16(type).vector16(data);
	}

	private static byte[] newX25519PublicKey() {
		try {
			byte[] encoded = KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic().getEncoded();
			// X.509 SubjectPublicKeyInfo: 12 bytes of header, then the raw 32-byte u-coordinate.
			return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("X25519 not available", ex);
		}
	}

	private static List<Integer> joined(List<Integer> first, List<Integer> second) {
		List<Integer> all = new ArrayList<>(first);
		all.addAll(second);
		return List.copyOf(all);
	}

	private record Extension(int type, byte[] data) {

		Extension {
			Objects.requireNonNull(data);
		}

	}

}
