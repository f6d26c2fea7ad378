package io.github.snistarter.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A minimal HTTP/1.1 response read by {@link TlsClient#httpsGet}: status, headers (names
 * lower-cased, last value wins), body (de-chunked, decoded as UTF-8) and the TLS handshake
 * it was served over.
 */
public final class HttpsResponse {

	private final int status;

	private final Map<String, String> headers;

	private final String body;

	private final HandshakeResult handshake;

	HttpsResponse(int status, Map<String, String> headers, String body, HandshakeResult handshake) {
		this.status = status;
		this.headers = Collections.unmodifiableMap(headers);
		this.body = body;
		this.handshake = handshake;
	}

	/** Parses a complete raw response (status line, headers, body) as read until EOF. */
	public static HttpsResponse parse(byte[] raw, HandshakeResult handshake) {
		int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
		if (headerEnd < 0) {
			throw new IllegalArgumentException(
					"Incomplete HTTP response: " + new String(raw, StandardCharsets.ISO_8859_1));
		}
		String[] lines = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
		String[] statusLine = lines[0].split(" ", 3);
		if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
			throw new IllegalArgumentException("Not an HTTP status line: " + lines[0]);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		byte[] body = body(raw, headerEnd + 4, headers);
		return new HttpsResponse(Integer.parseInt(statusLine[1]), headers, new String(body, StandardCharsets.UTF_8),
				handshake);
	}

	public int status() {
		return this.status;
	}

	/** Header value by case-insensitive name, or {@code null}. */
	public @Nullable String header(String name) {
		return this.headers.get(name.toLowerCase(Locale.ROOT));
	}

	/** All headers, lower-cased names. */
	public Map<String, String> headers() {
		return this.headers;
	}

	public String body() {
		return this.body;
	}

	/** The handshake the request was sent over. */
	public HandshakeResult handshake() {
		return this.handshake;
	}

	/** The server's leaf certificate. */
	public X509Certificate serverCertificate() {
		return this.handshake.leafCertificate();
	}

	@Override
	public String toString() {
		return "HttpsResponse[" + this.status + ", " + this.headers + ", body=" + this.body + "]";
	}

	private static byte[] body(byte[] raw, int start, Map<String, String> headers) {
		String transferEncoding = headers.getOrDefault("transfer-encoding", "");
		if (transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
			return dechunk(raw, start);
		}
		int end = raw.length;
		String contentLength = headers.get("content-length");
		if (contentLength != null) {
			end = Math.min(raw.length, start + Integer.parseInt(contentLength));
		}
		return Arrays.copyOfRange(raw, start, end);
	}

	private static byte[] dechunk(byte[] raw, int start) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
		int position = start;
		while (position < raw.length) {
			int lineEnd = indexOf(raw, crlf, position);
			if (lineEnd < 0) {
				break;
			}
			String sizeField = new String(raw, position, lineEnd - position, StandardCharsets.US_ASCII);
			int size = Integer.parseInt(sizeField.split(";", 2)[0].trim(), 16);
			if (size == 0) {
				break;
			}
			int chunkStart = lineEnd + 2;
			body.write(raw, chunkStart, Math.min(size, raw.length - chunkStart));
			position = chunkStart + size + 2;
		}
		return body.toByteArray();
	}

	private static int indexOf(byte[] data, byte[] pattern, int from) {
		outer: for (int i = from; i <= data.length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (data[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
