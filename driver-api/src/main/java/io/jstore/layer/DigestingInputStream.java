package io.jstore.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Counts and hashes (sha256) every byte read through it; skipping reads too, so the digest
 * covers all. The hashing runs on a second thread: SHA-256 of a big layer costs about as
 * much as writing its files, so hashing inline made apply twice as slow as {@code tar -x}.
 * Read bytes are copied into one of {@link #DEPTH} fixed buffers and handed over through a
 * bounded queue, so memory stays flat and a slow hasher only makes the reader wait.
 * {@link #close} stops the hasher without closing the stream underneath (callers own that).
 */
final class DigestingInputStream extends FilterInputStream {
    private static final int CHUNK = 1 << 20;
    private static final int DEPTH = 4;
    /** Tells the hasher that nothing follows; never filled. */
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final MessageDigest sha256;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread hasher;
    private ByteBuffer current;
    private long count;
    private String digest;

    DigestingInputStream(InputStream in) {
        super(in);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        for (int i = 0; i < DEPTH; i++) free.add(ByteBuffer.allocate(CHUNK));
        hasher = new Thread(this::hashLoop, "layer-sha256");
        hasher.setDaemon(true);
        hasher.start();
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            buffer().put((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            for (int done = 0; done < n; ) {
                ByteBuffer c = buffer();
                int k = Math.min(n - done, c.remaining());
                c.put(b, off + done, k);
                done += k;
            }
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
        int r = read(scratch, 0, scratch.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    /** Waits for the hasher to finish everything read so far; the stream must not be read after. */
    String digest() throws IOException {
        if (digest != null) return digest;
        try {
            if (current != null && current.position() > 0) handOver();
            full.put(END);
            hasher.join();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the layer digest");
        }
        digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        return digest;
    }

    /** Stops the hasher (a failed apply needs no digest); the underlying stream stays open. */
    @Override
    public void close() {
        hasher.interrupt();
    }

    /** The buffer being filled, with room for at least one byte. */
    private ByteBuffer buffer() throws IOException {
        if (current != null && !current.hasRemaining()) handOver();
        if (current == null) {
            try {
                current = free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while hashing the layer");
            }
        }
        return current;
    }

    private void handOver() throws IOException {
        current.flip();
        try {
            full.put(current);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing the layer");
        } finally {
            current = null;
        }
    }

    private void hashLoop() {
        try {
            for (ByteBuffer c; (c = full.take()) != END; ) {
                sha256.update(c);
                c.clear();
                free.add(c);
            }
        } catch (InterruptedException e) {
            // close(): the apply failed and its digest is not wanted
        }
    }
}
