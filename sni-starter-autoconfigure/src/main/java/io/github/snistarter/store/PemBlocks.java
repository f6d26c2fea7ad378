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

	private PemBlocks() {
	}

	/**
	 * The certificates of a PEM text made of {@code CERTIFICATE} blocks (and possibly
	 * key blocks, which are skipped).
	 * @param text the file's content
	 * @return the certificates in order, or {@code null} when the text is not that simple
	 */
	static @Nullable List<X509Certificate> certificates(String text) {
		List<X509Certificate> certificates = new ArrayList<>(2);
		int from = 0;
		try {
			CertificateFactory factory = null;
			while (true) {
				int begin = text.indexOf(BEGIN, from);
				if (begin < 0) {
					return certificates.isEmpty() ? null : certificates;
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
					byte[] der = decode(text, labelEnd + DASHES.length(), end);
					if (der == null) {
						return null;
					}
					factory = (factory != null) ? factory : CertificateFactory.getInstance("X.509");
					certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
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

	/**
	 * The key of a PEM text whose only key block is an unencrypted PKCS#8
	 * {@code PRIVATE KEY} of a common algorithm.
	 * @param text the file's content
	 * @return the key, or {@code null} when the text is not that simple
	 */
	static @Nullable PrivateKey pkcs8Key(String text) {
		String begin = BEGIN + "PRIVATE KEY" + DASHES;
		int start = text.indexOf(begin);
		int end = text.indexOf(END + "PRIVATE KEY" + DASHES);
		int next = (start >= 0) ? text.indexOf(BEGIN, start + 1) : -1;
		if (start < 0 || end < start || (next >= 0 && next < end) || hasOtherKeyBlock(text, start, end)) {
			return null;
		}
		try {
			byte[] der = decode(text, start + begin.length(), end);
			String algorithm = (der != null) ? algorithm(der) : null;
			return (algorithm != null)
					? KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)) : null;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
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

	/** PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE { OID, ... }, ... } */
	private static @Nullable String algorithm(byte[] der) {
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
