package io.github.snistarter.core;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.github.snistarter.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * Turns the raw {@code host_name} bytes of a ClientHello into a {@link ServerName}, or
 * says which alert the client gets. RFC 6066 §3 allows only an ASCII fully qualified
 * DNS name without a trailing dot; IP literals are not names and count as no SNI.
 */
public final class ServerNames {

	private static final int MAX_NAME = 253;

	private static final int MAX_LABEL = 63;

	private ServerNames() {
	}

	/**
	 * Normalize a host name sent with SNI.
	 * @param raw the bytes of the {@code host_name} entry
	 * @return the name, or {@code null} when the bytes are an IP address literal
	 * @throws TlsFormatException with {@code illegal_parameter} for a name RFC 6066
	 * forbids, or {@code internal_error} for a label that is not valid IDNA
	 */
	static @Nullable ServerName normalize(byte[] raw) throws TlsFormatException {
		if (raw.length == 0) {
			throw new TlsFormatException(TlsAlert.DECODE_ERROR, "Empty host_name");
		}
		for (byte b : raw) {
			if (b < 0x21 || b == 0x7f) {
				// Bytes >= 0x80 are negative as Java bytes: raw non-ASCII ends up here too.
				throw illegal("Server name has a control, space or non-ASCII byte");
			}
		}
		String name = new String(raw, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
		if (isIpLiteral(name)) {
			return null;
		}
		return checkedName(name);
	}

	/**
	 * Check a server name exactly as a handshake checks the {@code host_name} a client
	 * sends, for tools that answer "what would a client sending this name get?". A name
	 * given in Unicode is first converted to the A-label a client would send.
	 * @param name a server name as typed, such as {@code API.example.com} or
	 * {@code bücher.example}
	 * @return the normalized name, no name (an IP address literal), or the alert
	 */
	public static ServerNameCheck check(String name) {
		String wire = name;
		if (!isAscii(name)) {
			try {
				wire = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
			}
			catch (IllegalArgumentException ex) {
				return new ServerNameCheck(null, null, TlsAlert.ILLEGAL_PARAMETER,
						"Server name is not a valid internationalized domain name");
			}
			if (!isAscii(wire)) {
				return new ServerNameCheck(null, null, TlsAlert.ILLEGAL_PARAMETER,
						"Server name has a control, space or non-ASCII byte");
			}
		}
		try {
			ServerName checked = normalize(wire.getBytes(StandardCharsets.US_ASCII));
			return (checked != null) ? new ServerNameCheck(checked.aLabel(), checked.unicode(), null, null)
					: new ServerNameCheck(null, null, null, null);
		}
		catch (TlsFormatException ex) {
			return new ServerNameCheck(null, null, ex.alert(), ex.getMessage());
		}
	}

	private static boolean isAscii(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Normalize a name given as text, such as a configured server name or a Host header,
	 * the same way a name from the wire is normalized. Unicode input is converted to its
	 * A-label form.
	 * @param name a host name
	 * @return the lower-case A-label form
	 * @throws IllegalArgumentException when the name is not a valid host name
	 */
	public static String toALabel(String name) {
		try {
			// IDN.toASCII leaves ASCII labels as they are; skipping it for ASCII names (nearly
			// all) saves its work, which loading 100,000 certificates notices.
			String ascii = (isAscii(name) ? name : IDN.toASCII(name, IDN.ALLOW_UNASSIGNED))
				.toLowerCase(Locale.ROOT);
			for (int i = 0; i < ascii.length(); i++) {
				char c = ascii.charAt(i);
				if (c < 0x21 || c >= 0x7f) {
					throw new IllegalArgumentException("Not a host name: '" + name + "'");
				}
			}
			return checkedName(ascii).aLabel();
		}
		catch (TlsFormatException ex) {
			throw new IllegalArgumentException("Not a valid host name: '" + name + "' (" + ex.getMessage() + ")");
		}
	}

	private static ServerName checkedName(String name) throws TlsFormatException {
		if (name.length() > MAX_NAME) {
			throw illegal("Server name longer than 253 characters");
		}
		String[] labels = name.split("\\.", -1);
		StringBuilder unicode = new StringBuilder(name.length());
		for (String label : labels) {
			checkLabel(label);
			if (unicode.length() > 0) {
				unicode.append('.');
			}
			unicode.append(label.startsWith("xn--") ? decodeALabel(label) : label);
		}
		return new ServerName(name, unicode.toString());
	}

	private static void checkLabel(String label) throws TlsFormatException {
		if (label.isEmpty()) {
			throw illegal("Server name has an empty label or a trailing dot");
		}
		if (label.length() > MAX_LABEL) {
			throw illegal("Server name label longer than 63 characters");
		}
		for (int i = 0; i < label.length(); i++) {
			char c = label.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
			if (!allowed) {
				throw illegal("Server name has a character outside letters, digits, '-' and '_'");
			}
		}
	}

	/**
	 * Java's {@link IDN#toUnicode} returns invalid input unchanged instead of failing, so
	 * a label counts as valid only when it decodes to something else and encodes back to
	 * exactly itself.
	 */
	private static String decodeALabel(String label) throws TlsFormatException {
		String unicode = IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED);
		boolean decoded = !unicode.equalsIgnoreCase(label);
		if (!decoded || !roundTrips(unicode, label)) {
			throw new TlsFormatException(TlsAlert.INTERNAL_ERROR, "Server name label is not valid IDNA");
		}
		return unicode;
	}

	private static boolean roundTrips(String unicode, String label) {
		try {
			return IDN.toASCII(unicode, IDN.ALLOW_UNASSIGNED).equalsIgnoreCase(label);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Whether a name is an IPv4 or IPv6 address literal rather than a host name.
	 * @param name the name
	 * @return {@code true} for an address literal
	 */
	public static boolean isIpLiteral(String name) {
		if (name.indexOf(':') >= 0) {
			return name.chars().allMatch((c) -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
		}
		String[] parts = name.split("\\.", -1);
		if (parts.length != 4) {
			return false;
		}
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
					|| Integer.parseInt(part) > 255) {
				return false;
			}
		}
		return true;
	}

	private static TlsFormatException illegal(String message) {
		return new TlsFormatException(TlsAlert.ILLEGAL_PARAMETER, message);
	}

}
