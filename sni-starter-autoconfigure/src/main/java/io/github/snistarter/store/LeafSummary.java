package io.github.snistarter.store;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What the index and the load checks need from a leaf certificate, read straight from
 * its DER: issuer, validity, public key and DNS names. Reading this is a fraction of
 * what building an {@link java.security.cert.X509Certificate} costs (and of the JIT
 * work the JDK's parser needs before it is fast), which is what decides how long a
 * directory of 100,000 certificates takes to load. The certificate is parsed by the JDK
 * when its context is first built.
 * <p>
 * Only the common shape is read: a v3 certificate with UTC or generalized times ending
 * in {@code Z}, an EC or RSA key, and ASCII DNS names. Anything else answers
 * {@code null} and the certificate takes the JDK's path, with its checks and messages.
 *
 * @param issuer the encoded issuer name
 * @param notBefore start of validity, epoch milliseconds
 * @param notAfter end of validity, epoch milliseconds
 * @param keyAlgorithm the public key's algorithm
 * @param keyAlgorithmIdentifier the encoded {@code AlgorithmIdentifier} of the public
 * key (algorithm and, for EC, the named curve)
 * @param publicKey the public key's bits (EC: the point; RSA: the {@code RSAPublicKey})
 * @param dnsNames the DNS names of the subject alternative names, in lower case
 */
record LeafSummary(byte[] issuer, long notBefore, long notAfter, KeyAlgorithm keyAlgorithm,
		byte[] keyAlgorithmIdentifier, byte[] publicKey, List<String> dnsNames) {

	static final byte[] EC_KEY = { 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01 };

	static final byte[] RSA_KEY = { 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01 };

	private static final byte[] SUBJECT_ALT_NAME = { 0x55, 0x1d, 0x11 };

	private static final int UTC_TIME = 0x17;

	private static final int GENERALIZED_TIME = 0x18;

	private static final int VERSION = 0xa0;

	private static final int EXTENSIONS = 0xa3;

	private static final int BOOLEAN = 0x01;

	private static final int DNS_NAME = 0x82;

	/**
	 * Read a certificate.
	 * @param der the certificate's encoding
	 * @return what it holds, or {@code null} when it is not of the common shape
	 */
	static @Nullable LeafSummary read(byte[] der) {
		try {
			DerReader certificate = DerReader.single(der, DerReader.SEQUENCE);
			DerReader tbs = certificate.enter(DerReader.SEQUENCE);
			DerReader version = tbs.enter(VERSION);
			byte[] v3 = version.content(DerReader.INTEGER);
			if (v3.length != 1 || v3[0] != 2 || version.hasMore()) {
				return null;
			}
			tbs.skip(DerReader.INTEGER);
			tbs.skip(DerReader.SEQUENCE);
			byte[] issuer = tbs.element(DerReader.SEQUENCE);
			DerReader validity = tbs.enter(DerReader.SEQUENCE);
			long notBefore = time(validity);
			long notAfter = time(validity);
			tbs.skip(DerReader.SEQUENCE);
			DerReader keyInfo = tbs.enter(DerReader.SEQUENCE);
			byte[] algorithmIdentifier = keyInfo.element(DerReader.SEQUENCE);
			byte[] bits = keyInfo.content(DerReader.BIT_STRING);
			if (bits.length < 2 || bits[0] != 0 || keyInfo.hasMore()) {
				return null;
			}
			KeyAlgorithm keyAlgorithm = keyAlgorithm(algorithmIdentifier);
			if (keyAlgorithm == null) {
				return null;
			}
			if (tbs.peekTag() != EXTENSIONS) {
				return null;
			}
			List<String> dnsNames = dnsNames(tbs.enter(EXTENSIONS).enter(DerReader.SEQUENCE));
			if (tbs.hasMore() || dnsNames == null) {
				return null;
			}
			return new LeafSummary(issuer, notBefore, notAfter, keyAlgorithm, algorithmIdentifier,
					Arrays.copyOfRange(bits, 1, bits.length), dnsNames);
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			return null;
		}
	}

	/** EC with a named curve, or RSA; anything else is left to the JDK. */
	private static @Nullable KeyAlgorithm keyAlgorithm(byte[] algorithmIdentifier) {
		DerReader algorithm = DerReader.single(algorithmIdentifier, DerReader.SEQUENCE);
		byte[] oid = algorithm.content(DerReader.OID);
		if (Arrays.equals(oid, EC_KEY)) {
			algorithm.skip(DerReader.OID);
			return algorithm.hasMore() ? null : KeyAlgorithm.EC;
		}
		return Arrays.equals(oid, RSA_KEY) ? KeyAlgorithm.RSA : null;
	}

	/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, as RFC 5280 requires. */
	private static long time(DerReader validity) {
		int tag = validity.peekTag();
		boolean utc = tag == UTC_TIME;
		if (!utc && tag != GENERALIZED_TIME) {
			throw new IllegalArgumentException("Unexpected time");
		}
		String text = new String(validity.content(tag), StandardCharsets.US_ASCII);
		int digits = utc ? 12 : 14;
		if (text.length() != digits + 1 || text.charAt(digits) != 'Z') {
			throw new IllegalArgumentException("Unexpected time");
		}
		for (int i = 0; i < digits; i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				throw new IllegalArgumentException("Unexpected time");
			}
		}
		int at = 0;
		int year;
		if (utc) {
			year = Integer.parseInt(text, 0, 2, 10);
			year += (year >= 50) ? 1900 : 2000;
			at = 2;
		}
		else {
			year = Integer.parseInt(text, 0, 4, 10);
			at = 4;
		}
		LocalDateTime time = LocalDateTime.of(year, Integer.parseInt(text, at, at + 2, 10),
				Integer.parseInt(text, at + 2, at + 4, 10), Integer.parseInt(text, at + 4, at + 6, 10),
				Integer.parseInt(text, at + 6, at + 8, 10), Integer.parseInt(text, at + 8, at + 10, 10));
		return time.toInstant(ZoneOffset.UTC).toEpochMilli();
	}

	/**
	 * The DNS names of the subjectAltName extension; {@code null} when there is none or
	 * a DNS name is not plain ASCII.
	 */
	private static @Nullable List<String> dnsNames(DerReader extensions) {
		List<String> names = null;
		while (extensions.hasMore()) {
			DerReader extension = extensions.enter(DerReader.SEQUENCE);
			byte[] oid = extension.content(DerReader.OID);
			if (extension.peekTag() == BOOLEAN) {
				extension.skip(BOOLEAN);
			}
			byte[] value = extension.content(DerReader.OCTET_STRING);
			if (extension.hasMore()) {
				return null;
			}
			if (!Arrays.equals(oid, SUBJECT_ALT_NAME)) {
				continue;
			}
			if (names != null) {
				return null;
			}
			names = new ArrayList<>();
			DerReader generalNames = DerReader.single(value, DerReader.SEQUENCE);
			while (generalNames.hasMore()) {
				int tag = generalNames.peekTag();
				byte[] name = generalNames.content(tag);
				if (tag == DNS_NAME) {
					for (byte b : name) {
						if (b <= 0x20 || b >= 0x7f) {
							return null;
						}
					}
					names.add(new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT));
				}
			}
		}
		return names;
	}

	/**
	 * Whether a PKCS#8 private key belongs to this certificate's public key, compared
	 * without building either key: the same algorithm (and curve), and for EC the public
	 * point the key's encoding carries (RFC 5915), for RSA the modulus and public
	 * exponent.
	 * @param pkcs8 the key's PKCS#8 encoding
	 * @return {@code TRUE} or {@code FALSE}, or {@code null} when the encodings do not
	 * tell (an EC key without its public point, algorithms written differently) and the
	 * JDK must decide
	 */
	@Nullable Boolean matches(byte[] pkcs8) {
		try {
			DerReader info = DerReader.single(pkcs8, DerReader.SEQUENCE);
			info.skip(DerReader.INTEGER);
			byte[] algorithmIdentifier = info.element(DerReader.SEQUENCE);
			byte[] privateKey = info.content(DerReader.OCTET_STRING);
			if (this.keyAlgorithm == KeyAlgorithm.EC) {
				byte[] point = Arrays.equals(algorithmIdentifier, this.keyAlgorithmIdentifier)
						? embeddedPoint(privateKey) : null;
				return (point != null) ? Arrays.equals(point, this.publicKey) : null;
			}
			byte[] oid = DerReader.single(algorithmIdentifier, DerReader.SEQUENCE).content(DerReader.OID);
			if (!Arrays.equals(oid, RSA_KEY)) {
				return null;
			}
			DerReader rsaPrivate = DerReader.single(privateKey, DerReader.SEQUENCE);
			rsaPrivate.skip(DerReader.INTEGER);
			DerReader rsaPublic = DerReader.single(this.publicKey, DerReader.SEQUENCE);
			return Arrays.equals(rsaPrivate.content(DerReader.INTEGER), rsaPublic.content(DerReader.INTEGER))
					&& Arrays.equals(rsaPrivate.content(DerReader.INTEGER), rsaPublic.content(DerReader.INTEGER));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
	private static byte @Nullable [] embeddedPoint(byte[] ecPrivateKey) {
		DerReader key = DerReader.single(ecPrivateKey, DerReader.SEQUENCE);
		key.skip(DerReader.INTEGER);
		key.skip(DerReader.OCTET_STRING);
		if (key.peekTag() == 0xa0) {
			key.skip(0xa0);
		}
		if (key.peekTag() != 0xa1) {
			return null;
		}
		byte[] bits = key.enter(0xa1).content(DerReader.BIT_STRING);
		return (bits.length >= 2 && bits[0] == 0) ? Arrays.copyOfRange(bits, 1, bits.length) : null;
	}

}
