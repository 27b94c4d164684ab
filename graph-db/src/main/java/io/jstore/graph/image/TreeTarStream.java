package io.jstore.graph.image;

import io.jstore.layer.Layers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;

/**
 * A directory tree as an uncompressed layer tar, written by {@link Layers#diff} against the
 * empty tree on a second thread while the caller reads. A pipe's end of stream cannot say
 * whether the writer finished or failed, so EOF here first waits for the writer and rethrows
 * its failure: a half-written tar must never be taken for a whole, smaller one.
 */
final class TreeTarStream extends InputStream {
    private final PipedInputStream in;
    private final Thread writer;
    private volatile Throwable failure;

    TreeTarStream(Path dir) throws IOException {
        in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        writer = new Thread(() -> {
            try (out) {
                Layers.diff(null, dir, out);
            } catch (Throwable e) {
                failure = e;
            }
        }, "jstore-tar " + dir);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) finish();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) finish();
        return n;
    }

    private void finish() throws IOException {
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while tarring a directory");
        }
        Throwable f = failure;
        if (f instanceof IOException io) throw io;
        if (f != null) throw new IOException("tarring a directory failed: " + f, f);
    }

    @Override
    public void close() throws IOException {
        // Closing the reading end makes a still-running writer fail (pipe broken) and stop.
        in.close();
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
