package io.github.snistarter.store;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A one-pass reader for the PEM files that directories of certificates nearly always
 * hold: {@code CERTIFICATE} blocks and an unencrypted PKCS#8 {@code PRIVATE KEY}. Spring
 * Boot's PEM parser finds blocks with case-insensitive regular expressions that cost
 * more than parsing the certificate itself; with 100,000 files that decides whether an
 * application starts in seconds or in a minute. Anything else (other block types,
 * encrypted or PKCS#1/SEC1 keys, a block that does not decode) answers {@code null}, and
 * the caller uses Spring's parser, so results and messages stay Spring's.
 */
final class PemBlocks {

	private static final String BEGIN = "-----BEGIN ";

	private static final String END = "-----END ";

	private static final String DASHES = "-----";

	/** DER of the algorithm OIDs a PKCS#8 key may name, with the JCA algorithm for each. */
	private static final Object[][] KEY_ALGORITHMS = {
			{ new byte[] { 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01 }, "EC" },
			{ new byte[] { 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01 }, "RSA" },
			{ new byte[] { 0x2b, 0x65, 0x70 }, "Ed25519" }, { new byte[] { 0x2b, 0x65, 0x71 }, "Ed448" } };

	/**
	 * Intermediates already parsed, by their base64 text; bounded, since a directory
	 * holds few distinct issuers, and emptied when full.
	 */
	private static final Map<String, X509Certificate> ISSUERS = new ConcurrentHashMap<>();

	private static final int MAX_ISSUERS = 64;

	/** Looking the factory up costs as much as a small part of the parse. */
	private static final ThreadLocal<CertificateFactory> FACTORY = ThreadLocal.withInitial(() -> {
		try {
			return CertificateFactory.getInstance("X.509");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	});

	private PemBlocks() {
	}

	/**
	 * The chain of a PEM text made of {@code CERTIFICATE} blocks (and possibly key
	 * blocks, which are skipped), with the leaf left encoded.
	 *
	 * @param leaf the first certificate's DER
	 * @param issuers the other certificates, parsed (each distinct one once)
	 */
	record EncodedChain(byte[] leaf, List<X509Certificate> issuers) {
	}

	/**
	 * The certificates of a PEM text made of {@code CERTIFICATE} blocks (and possibly
	 * key blocks, which are skipped).
	 * @param text the file's content
	 * @return the certificates in order, or {@code null} when the text is not that simple
	 */
	static @Nullable List<X509Certificate> certificates(String text) {
		EncodedChain chain = encodedChain(text);
		if (chain == null) {
			return null;
		}
		try {
			List<X509Certificate> certificates = new ArrayList<>(chain.issuers().size() + 1);
			certificates.add(parse(chain.leaf()));
			certificates.addAll(chain.issuers());
			return certificates;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The chain of a PEM text made of {@code CERTIFICATE} blocks (and possibly key
	 * blocks, which are skipped), the leaf not parsed.
	 * @param text the file's content
	 * @return the chain, or {@code null} when the text is not that simple
	 */
	static @Nullable EncodedChain encodedChain(String text) {
		byte[] leaf = null;
		List<X509Certificate> issuers = new ArrayList<>(1);
		int from = 0;
		try {
			while (true) {
				int begin = text.indexOf(BEGIN, from);
				if (begin < 0) {
					return (leaf != null) ? new EncodedChain(leaf, issuers) : null;
				}
				int labelEnd = text.indexOf(DASHES, begin + BEGIN.length());
				if (labelEnd < 0) {
					return null;
				}
				String label = text.substring(begin + BEGIN.length(), labelEnd);
				int end = text.indexOf(END + label + DASHES, labelEnd);
				if (end < 0) {
					return null;
				}
				from = end + END.length() + label.length() + DASHES.length();
				if (label.equals("CERTIFICATE")) {
					int bodyStart = labelEnd + DASHES.length();
					if (leaf == null) {
						leaf = decode(text, bodyStart, end);
						if (leaf == null) {
							return null;
						}
					}
					else {
						X509Certificate issuer = issuer(text, bodyStart, end);
						if (issuer == null) {
							return null;
						}
						issuers.add(issuer);
					}
				}
				else if (label.contains("CERTIFICATE")) {
					return null;
				}
			}
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return null;
		}
	}

	/** Many files repeat the same intermediates: parse each once. */
	private static @Nullable X509Certificate issuer(String text, int bodyStart, int end)
			throws GeneralSecurityException {
		String body = text.substring(bodyStart, end);
		X509Certificate issuer = ISSUERS.get(body);
		if (issuer == null) {
			byte[] der = decode(text, bodyStart, end);
			if (der == null) {
				return null;
			}
			issuer = parse(der);
			remember(body, issuer);
		}
		return issuer;
	}

	private static X509Certificate parse(byte[] der) throws GeneralSecurityException {
		return (X509Certificate) FACTORY.get().generateCertificate(new ByteArrayInputStream(der));
	}

	private static void remember(String body, X509Certificate issuer) {
		if (ISSUERS.size() >= MAX_ISSUERS) {
			ISSUERS.clear();
		}
		ISSUERS.put(body, issuer);
	}

	/**
	 * The key of a PEM text whose only key block is an unencrypted PKCS#8
	 * {@code PRIVATE KEY} of a common algorithm.
	 * @param text the file's content
	 * @return the key, or {@code null} when the text is not that simple
	 */
	static @Nullable PrivateKey pkcs8Key(String text) {
		byte[] der = pkcs8(text);
		try {
			String algorithm = (der != null) ? algorithm(der) : null;
			return (algorithm != null)
					? KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)) : null;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Whether a PEM text holds a block of a label.
	 * @param text the file's content
	 * @param label the label, such as {@code CERTIFICATE}
	 * @return whether its {@code BEGIN} line occurs
	 */
	static boolean hasBlock(String text, String label) {
		return text.contains(BEGIN + label + DASHES);
	}

	/**
	 * The encoding of a PEM text's only key block, when it is an unencrypted PKCS#8
	 * {@code PRIVATE KEY}.
	 * @param text the file's content
	 * @return the PKCS#8 encoding, or {@code null} when the text is not that simple
	 */
	static byte @Nullable [] pkcs8(String text) {
		String begin = BEGIN + "PRIVATE KEY" + DASHES;
		int start = text.indexOf(begin);
		int end = text.indexOf(END + "PRIVATE KEY" + DASHES);
		int next = (start >= 0) ? text.indexOf(BEGIN, start + 1) : -1;
		if (start < 0 || end < start || (next >= 0 && next < end) || hasOtherKeyBlock(text, start, end)) {
			return null;
		}
		try {
			return decode(text, start + begin.length(), end);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static boolean hasOtherKeyBlock(String text, int start, int end) {
		int other = text.indexOf("PRIVATE KEY" + DASHES, end + END.length() + 1);
		int before = text.lastIndexOf("PRIVATE KEY" + DASHES, start - 1);
		return other >= 0 || before >= 0;
	}

	/** The block's body, when it holds only base64 and line breaks. */
	private static byte @Nullable [] decode(String text, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
					|| c == '/' || c == '=';
			if (!base64 && c != '\n' && c != '\r') {
				return null;
			}
		}
		// The MIME decoder skips the line breaks.
		return Base64.getMimeDecoder().decode(text.substring(from, to));
	}

	/**
	 * The JCA name of a PKCS#8 key's algorithm, for the algorithms this reader knows.
	 * PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE { OID, ... }, ... }
	 */
	static @Nullable String algorithm(byte[] der) {
		int position = 0;
		position = contentStart(der, position, 0x30);
		position = skip(der, position, 0x02);
		position = contentStart(der, position, 0x30);
		if ((der[position] & 0xff) != 0x06) {
			return null;
		}
		int length = der[position + 1] & 0xff;
		byte[] oid = Arrays.copyOfRange(der, position + 2, position + 2 + length);
		for (Object[] known : KEY_ALGORITHMS) {
			if (Arrays.equals(oid, (byte[]) known[0])) {
				return (String) known[1];
			}
		}
		return null;
	}

	private static int contentStart(byte[] der, int position, int tag) {
		if ((der[position] & 0xff) != tag) {
			throw new IllegalArgumentException("Unexpected tag");
		}
		int first = der[position + 1] & 0xff;
		return position + 2 + ((first < 0x80) ? 0 : (first & 0x7f));
	}

	private static int skip(byte[] der, int position, int tag) {
		if ((der[position] & 0xff) != tag) {
			throw new IllegalArgumentException("Unexpected tag");
		}
		int first = der[position + 1] & 0xff;
		if (first < 0x80) {
			return position + 2 + first;
		}
		int count = first & 0x7f;
		int length = 0;
		for (int i = 0; i < count; i++) {
			length = (length << 8) | (der[position + 2 + i] & 0xff);
		}
		return position + 2 + count + length;
	}

}
