package io.jstore.graph;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Passes bytes through while hashing and counting them, so a digest costs no second read. */
public final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest md = Digests.sha256();
    private long count;

    public DigestingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            md.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            md.update(buf, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must be hashed too, so skip by reading.
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) break;
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads what is left, so the digest covers the whole stream even if the consumer stopped early (tar end blocks). */
    public void drain() throws IOException {
        byte[] buf = new byte[65536];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing happens in read
        }
    }

    /** Bytes seen so far. */
    public long count() {
        return count;
    }

    /** {@code sha256:<hex>} of the bytes seen; call once, at the end. */
    public String digest() {
        return Digests.format(md);
    }
}
