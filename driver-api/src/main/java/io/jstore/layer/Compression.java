package io.jstore.layer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How a layer's tar is compressed; recognised from its first bytes, as OCI media types allow all three. */
public enum Compression {
    NONE, GZIP, ZSTD;

    private static final int BUFFER = 1 << 16;

    /** The compression whose magic number starts {@code head} (NONE when none matches). */
    public static Compression detect(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return GZIP;
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
                && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) return ZSTD;
        return NONE;
    }

    /** Parses {@code none|gzip|zstd}, case-insensitive. */
    public static Compression parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compression '" + name + "' (none, gzip, zstd)");
        }
    }

    /** Peeks at {@code in}, then returns a stream of its decompressed bytes. */
    public static InputStream decompressing(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, BUFFER);
        b.mark(4);
        byte[] head = new byte[4];
        int n = b.readNBytes(head, 0, 4);
        b.reset();
        return detect(head, n).reading(b);
    }

    /** Wraps {@code in}, which holds data compressed this way. */
    public InputStream reading(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    /** Wraps {@code out}; closing the result finishes the compressed stream and closes {@code out}. */
    public OutputStream writing(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, BUFFER);
            case ZSTD -> new ZstdOutputStream(out, 3);
        };
    }
}
