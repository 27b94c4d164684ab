package io.jstore.engine.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request head: method, path, query and headers (names lower-cased). The body
 * stays on the connection; {@link HttpConnection} hands it to the handler as a stream.
 */
record HttpRequest(String method, String path, Map<String, String> query, Map<String, String> headers) {
    /** Longer heads than this are not a plugin client talking; refuse them rather than buffer. */
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 100;

    HttpRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean chunked() {
        String te = header("transfer-encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** -1 when the request says nothing about its length. */
    long contentLength() throws HttpException {
        String cl = header("content-length");
        if (cl == null) return -1;
        try {
            long n = Long.parseLong(cl.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new HttpException(400, "bad Content-Length: " + cl);
        }
    }

    boolean keepAlive() {
        String c = header("connection");
        return c == null || !c.equalsIgnoreCase("close");
    }

    /** Reads a request head, or returns null at a clean end of stream (the client closed an idle connection). */
    static HttpRequest read(InputStream in) throws IOException {
        String line = line(in);
        if (line == null) return null;
        while (line.isEmpty()) { // tolerated by RFC 9112 before a request line
            line = line(in);
            if (line == null) return null;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) throw new HttpException(400, "bad request line: " + line);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String h = line(in);
            if (h == null) throw new HttpException(400, "connection closed inside the request head");
            if (h.isEmpty()) break;
            if (i == MAX_HEADERS) throw new HttpException(431, "more than " + MAX_HEADERS + " headers");
            int colon = h.indexOf(':');
            if (colon <= 0) throw new HttpException(400, "bad header line: " + h);
            headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        return new HttpRequest(parts[0], path, q < 0 ? Map.of() : query(target.substring(q + 1)), headers);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            m.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return m;
    }

    /** One CRLF- (or bare LF-) terminated line in ISO-8859-1, without the terminator; null at end of stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (b.size() == MAX_LINE) throw new HttpException(431, "line longer than " + MAX_LINE + " bytes");
            b.write(c);
        }
        if (b.size() == 0) return null;
        throw new HttpException(400, "connection closed inside a line");
    }
}
