package io.jstore.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A connected unix stream socket through jstore's own native library ({@link ClientLibrary}): {@code jstore run}'s
 * connection to its store's service without the JDK's {@code SocketChannel}, whose first use costs
 * a fresh JVM more than the client's whole exchange. Blocking; heap buffers only. One thread reads
 * and closes, any thread writes (the client's signal handlers).
 */
final class UnixSocketChannel implements ByteChannel {
    private int fd;

    private UnixSocketChannel(int fd) {
        this.fd = fd;
    }

    /** Connects to the socket at {@code path}; a {@link UnixSocketException} names the errno (ECONNREFUSED: a stale socket). */
    static UnixSocketChannel connect(Path path) throws IOException {
        if (!ClientLibrary.available()) throw new IOException("no " + ClientLibrary.PROPERTY + " loaded to connect to " + path);
        return new UnixSocketChannel(ClientLibrary.connect0(path.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int fd = this.fd;
        if (fd < 0) throw new ClosedChannelException();
        int n = ClientLibrary.read0(fd, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) dst.position(dst.position() + n);
        return n;
    }

    /** Writes all of {@code src}. */
    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        if (fd < 0) throw new ClosedChannelException();
        int n = src.remaining();
        ClientLibrary.write0(fd, src.array(), src.arrayOffset() + src.position(), n);
        src.position(src.limit());
        return n;
    }

    @Override
    public synchronized boolean isOpen() {
        return fd >= 0;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            ClientLibrary.close0(fd);
            fd = -1;
        }
    }
}
