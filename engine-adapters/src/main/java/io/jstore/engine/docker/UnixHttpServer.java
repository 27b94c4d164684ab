package io.jstore.engine.docker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A small HTTP/1.1 server on a unix socket: a thread per connection, keep-alive, request bodies
 * by Content-Length or chunked, responses with Content-Length or chunked. Enough for Docker's
 * plugin client (Go's net/http), which keeps connections open and calls concurrently.
 */
final class UnixHttpServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UnixHttpServer.class.getName());

    private final Path socket;
    private final ServerSocketChannel server;
    private final HttpHandler handler;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread acceptor;

    private UnixHttpServer(Path socket, ServerSocketChannel server, HttpHandler handler) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "http-accept " + socket);
        acceptor.setDaemon(true);
    }

    /**
     * Binds {@code socket} (replacing a stale socket file, never another kind of file) with mode
     * 0660: whoever may talk to it may change the store.
     */
    static UnixHttpServer start(Path socket, HttpHandler handler) throws IOException {
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(socket)) throw new IOException(socket + " exists and is not a socket");
            Files.delete(socket);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        UnixHttpServer s = new UnixHttpServer(socket, ch, handler);
        s.acceptor.start();
        return s;
    }

    private static boolean isSocket(Path p) throws IOException {
        Object mode = Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0170000) == 0140000;
    }

    Path socket() {
        return socket;
    }

    void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel c = server.accept();
                open.add(c);
                Thread t = new Thread(() -> serve(c), "http " + socket);
                t.setDaemon(true);
                t.start();
            }
        } catch (ClosedChannelException closed) {
            // close() was called
        } catch (IOException e) {
            LOG.log(Level.WARNING, "accept on " + socket + " failed", e);
        } finally {
            stopped.countDown();
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(c), 64 * 1024);
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(c), 64 * 1024);
            while (exchange(in, out)) {
                // keep-alive: next request on the same connection
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "connection on " + socket + " ended", e);
        } finally {
            open.remove(c);
        }
    }

    /** Serves one request; false when the connection must close. */
    private boolean exchange(InputStream in, OutputStream out) throws IOException {
        HttpRequest req;
        try {
            req = HttpRequest.read(in);
        } catch (HttpException bad) {
            writeWhole(out, new HttpResponse.Whole(bad.status(), "text/plain", bytes(bad.getMessage())), false);
            return false;
        }
        if (req == null) return false;
        InputStream body;
        if (req.chunked()) {
            body = new ChunkedStreams.In(in);
        } else {
            long n = req.contentLength();
            body = n <= 0 ? InputStream.nullInputStream() : new BoundedInput(in, n);
        }
        HttpResponse resp;
        try {
            resp = handler.handle(req, body);
        } catch (HttpException bad) {
            writeWhole(out, new HttpResponse.Whole(bad.status(), "text/plain", bytes(bad.getMessage())), false);
            return false;
        }
        // The rest of an unread body would be parsed as the next request.
        body.transferTo(OutputStream.nullOutputStream());
        boolean keep = req.keepAlive();
        if (resp instanceof HttpResponse.Whole w) {
            writeWhole(out, w, keep);
            return keep;
        }
        HttpResponse.Streamed s = (HttpResponse.Streamed) resp;
        out.write(bytes("HTTP/1.1 " + s.status() + " " + reason(s.status()) + "\r\nContent-Type: " + s.contentType()
                + "\r\nTransfer-Encoding: chunked\r\n" + (keep ? "" : "Connection: close\r\n") + "\r\n"));
        ChunkedStreams.Out chunks = new ChunkedStreams.Out(out);
        try {
            s.body().write(chunks);
        } catch (IOException | RuntimeException e) {
            // Without the last chunk the client sees an unexpected EOF, not a short but valid body.
            LOG.log(Level.WARNING, req.path() + ": stream failed after its head was sent", e);
            out.flush();
            return false;
        }
        chunks.finish();
        return keep;
    }

    private static void writeWhole(OutputStream out, HttpResponse.Whole w, boolean keep) throws IOException {
        out.write(bytes("HTTP/1.1 " + w.status() + " " + reason(w.status()) + "\r\nContent-Type: " + w.contentType()
                + "\r\nContent-Length: " + w.body().length + "\r\n" + (keep ? "" : "Connection: close\r\n") + "\r\n"));
        out.write(w.body());
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            default -> status >= 500 ? "Internal Server Error" : "Status";
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
            for (SocketChannel c : open) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** A body of known length; end of stream at its end, an error if the connection ends first. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            if (len == 0) return 0;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) throw new HttpException(400, "connection closed " + left + " bytes before the body's end");
            left -= n;
            return n;
        }
    }
}
