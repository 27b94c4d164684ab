package io.jstore.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes (sha256) every byte read through it; skipping reads too, so the digest
 * covers all. Made with {@code hash} false it only counts.
 */
final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest sha256;
    private final byte[] scratch = new byte[1 << 16];
    private long count;

    DigestingInputStream(InputStream in) {
        this(in, true);
    }

    DigestingInputStream(InputStream in, boolean hash) {
        super(in);
        try {
            sha256 = hash ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            if (sha256 != null) sha256.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            if (sha256 != null) sha256.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) return 0;
        int r = read(scratch, 0, (int) Math.min(n, scratch.length));
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    /** The digest so far; null when made not to hash. */
    String digest() {
        if (sha256 == null) return null;
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }
}
