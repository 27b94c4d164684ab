package io.jstore.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A connected unix stream socket through jstore's own native library ({@code src/main/c/unix_socket.c},
 * loaded by path from {@link #LIBRARY_PROPERTY}, which the launcher sets): {@code jstore run}'s
 * connection to its store's service without the JDK's {@code SocketChannel}, whose first use costs
 * a fresh JVM more than the client's whole exchange. Blocking; heap buffers only. One thread reads
 * and closes, any thread writes (the client's signal handlers).
 */
final class UnixSocketChannel implements ByteChannel {
    /** The path of {@code libjstore-client.so}. */
    static final String LIBRARY_PROPERTY = "jstore.client.lib";

    private static boolean loaded;
    private static boolean tried;

    private int fd;

    private UnixSocketChannel(int fd) {
        this.fd = fd;
    }

    /** Whether the library named by {@link #LIBRARY_PROPERTY} is loaded; the first call loads it. */
    static synchronized boolean available() {
        if (!tried) {
            tried = true;
            loaded = load(System.getProperty(LIBRARY_PROPERTY));
        }
        return loaded;
    }

    /** Loads the library at {@code path}; false when there is none or it does not load (the caller uses the JDK's socket). */
    static boolean load(String path) {
        if (path == null || path.isEmpty()) return false;
        try {
            System.load(path);
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }

    /** Connects to the socket at {@code path}; a {@link UnixSocketException} names the errno (ECONNREFUSED: a stale socket). */
    static UnixSocketChannel connect(Path path) throws IOException {
        if (!available()) throw new IOException("no " + LIBRARY_PROPERTY + " loaded to connect to " + path);
        return new UnixSocketChannel(connect0(path.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int fd = this.fd;
        if (fd < 0) throw new ClosedChannelException();
        int n = read0(fd, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) dst.position(dst.position() + n);
        return n;
    }

    /** Writes all of {@code src}. */
    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        if (fd < 0) throw new ClosedChannelException();
        int n = src.remaining();
        write0(fd, src.array(), src.arrayOffset() + src.position(), n);
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
            close0(fd);
            fd = -1;
        }
    }

    private static native int connect0(byte[] path) throws IOException;

    private static native void write0(int fd, byte[] b, int off, int len) throws IOException;

    private static native int read0(int fd, byte[] b, int off, int len) throws IOException;

    private static native void close0(int fd);
}
