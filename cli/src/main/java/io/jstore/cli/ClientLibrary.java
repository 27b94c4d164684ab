package io.jstore.cli;

import java.io.IOException;

/**
 * The native code of {@code jstore run}'s client ({@code src/main/c/unix_socket.c}, {@code libjstore-client.so}),
 * loaded by path from {@link #PROPERTY}, which the launcher sets. Nothing else declares a native method.
 * Failures throw {@link UnixSocketException}.
 */
final class ClientLibrary {
    /** The path of {@code libjstore-client.so}. */
    static final String PROPERTY = "jstore.client.lib";

    private static boolean loaded;
    private static boolean tried;

    private ClientLibrary() {}

    /** Whether the library named by {@link #PROPERTY} is loaded; the first call loads it. */
    static synchronized boolean available() {
        if (!tried) {
            tried = true;
            loaded = load(System.getProperty(PROPERTY));
        }
        return loaded;
    }

    /** Loads the library at {@code path}; false when there is none or it does not load (the caller does without). */
    static boolean load(String path) {
        if (path == null || path.isEmpty()) return false;
        try {
            System.load(path);
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }

    /** A connected AF_UNIX stream socket's descriptor. */
    static native int connect0(byte[] path) throws IOException;

    /** Writes all of {@code b[off, off+len)}. */
    static native void write0(int fd, byte[] b, int off, int len) throws IOException;

    /** Reads at most {@code len} bytes: how many, -1 at the end of the stream. */
    static native int read0(int fd, byte[] b, int off, int len) throws IOException;

    static native void close0(int fd);

    /** Replaces this process with {@code /proc/self/exe} (this java) run with {@code argv}; returns only by throwing. */
    static native void exec0(byte[][] argv) throws IOException;
}
