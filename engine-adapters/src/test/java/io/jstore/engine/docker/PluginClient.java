package io.jstore.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The client side of the plugin protocol as Docker's (Go net/http) speaks it: one kept-alive
 * connection, JSON bodies with Content-Length, ApplyDiff's tar chunked.
 */
final class PluginClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, Map<String, String> headers, byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        String err() throws IOException {
            return json().path("Err").asText("");
        }
    }

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    PluginClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        in = new BufferedInputStream(Channels.newInputStream(channel));
        out = Channels.newOutputStream(channel);
    }

    Response call(String method, Object args) throws IOException {
        byte[] body = JSON.writeValueAsBytes(args);
        out.write(head("POST /" + method, "Content-Length: " + body.length));
        out.write(body);
        out.flush();
        return read();
    }

    /** A body sent in chunks of {@code chunk} bytes, as Go sends a reader of unknown length. */
    Response sendChunked(String target, byte[] body, int chunk) throws IOException {
        out.write(head("POST /" + target, "Transfer-Encoding: chunked"));
        for (int off = 0; off < body.length; off += chunk) {
            int n = Math.min(chunk, body.length - off);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, off, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    Response raw(String requestLine) throws IOException {
        out.write(head(requestLine, "Content-Length: 0"));
        out.flush();
        return read();
    }

    private static byte[] head(String line, String lengthHeader) {
        return (line + " HTTP/1.1\r\nHost: plugin\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n"
                + lengthHeader + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Response read() throws IOException {
        String status = HttpRequest.line(in);
        if (status == null) throw new IOException("server closed the connection");
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new HashMap<>();
        String h;
        while (!(h = HttpRequest.line(in)).isEmpty()) {
            int c = h.indexOf(':');
            headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = new ChunkedStreams.In(in).readAllBytes();
        } else {
            body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        return new Response(code, headers, body);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
