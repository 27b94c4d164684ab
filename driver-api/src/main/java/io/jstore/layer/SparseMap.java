package io.jstore.layer;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * GNU tar's sparse files in PAX archives ({@code tar --format=posix --sparse}): the archive
 * holds only the data segments, and a map says where each one goes. Format 1.0 keeps the map
 * at the start of the entry's data (decimal lines: count, then offset and size per segment,
 * padded to a block); 0.1 keeps it in the {@code GNU.sparse.map} record. The reader hands
 * the applier the file as it was, holes as zeros; the applier turns zero blocks back into holes.
 * Format 0.0 (repeated records a map cannot hold) and the old GNU 'S' type are refused.
 */
final class SparseMap {
    /** At most this many segments (16 bytes each): a map cannot make the reader grow. */
    static final int MAX_SEGMENTS = 1 << 16;

    /** The entry's archived bytes, read by the tar reader (which reports truncation). */
    interface Physical {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private final long[] offsets;
    private final long[] sizes;
    private final long realSize;
    private int seg;
    private long pos;

    private SparseMap(long[] offsets, long[] sizes, long realSize) {
        this.offsets = offsets;
        this.sizes = sizes;
        this.realSize = realSize;
    }

    /** The map of an entry whose PAX records name a sparse format; reads a 1.0 map from {@code data}. */
    static SparseMap read(String entry, Map<String, String> pax, Physical data, long archived) throws IOException {
        String major = pax.get("GNU.sparse.major");
        long[] numbers;
        long real;
        long mapBytes = 0;
        if ("1".equals(major) && "0".equals(pax.get("GNU.sparse.minor"))) {
            real = number(entry, pax.get("GNU.sparse.realsize"));
            MapReader r = new MapReader(entry, data);
            long count = r.next();
            if (count > MAX_SEGMENTS) throw new LayerFormatException(entry, "sparse map of " + count + " segments exceeds " + MAX_SEGMENTS);
            numbers = new long[(int) count * 2];
            for (int i = 0; i < numbers.length; i++) numbers[i] = r.next();
            mapBytes = r.bytes + r.skipToBlock();
        } else if (major == null && pax.containsKey("GNU.sparse.map")) {
            real = number(entry, pax.get("GNU.sparse.size"));
            String[] parts = pax.get("GNU.sparse.map").split(",", -1);
            if (parts.length % 2 != 0 || parts.length / 2 > MAX_SEGMENTS) throw new LayerFormatException(entry, "bad GNU.sparse.map");
            numbers = new long[parts.length == 1 && parts[0].isEmpty() ? 0 : parts.length];
            for (int i = 0; i < numbers.length; i++) numbers[i] = number(entry, parts[i]);
        } else {
            throw new LayerFormatException(entry, "unsupported GNU sparse format (only PAX 0.1 and 1.0 are read)");
        }
        long[] offsets = new long[numbers.length / 2];
        long[] sizes = new long[offsets.length];
        long end = 0;
        long data0 = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = numbers[2 * i];
            sizes[i] = numbers[2 * i + 1];
            if (offsets[i] < end || sizes[i] > real - offsets[i]) throw new LayerFormatException(entry, "sparse map segments overlap or pass the file's end");
            end = offsets[i] + sizes[i];
            data0 += sizes[i];
        }
        if (data0 != archived - mapBytes) {
            throw new LayerFormatException(entry, "sparse map holds " + data0 + " bytes but the entry archives " + (archived - mapBytes));
        }
        return new SparseMap(offsets, sizes, real);
    }

    long realSize() {
        return realSize;
    }

    long remaining() {
        return realSize - pos;
    }

    /** The next bytes of the file as it was: archived data where a segment is, zeros elsewhere. */
    int read(Physical data, byte[] b, int off, int len) throws IOException {
        if (pos >= realSize) return -1;
        while (seg < offsets.length && pos >= offsets[seg] + sizes[seg]) seg++;
        int n;
        if (seg < offsets.length && pos >= offsets[seg]) {
            n = data.read(b, off, (int) Math.min(len, offsets[seg] + sizes[seg] - pos));
        } else {
            long holeEnd = seg < offsets.length ? offsets[seg] : realSize;
            n = (int) Math.min(len, holeEnd - pos);
            Arrays.fill(b, off, off + n, (byte) 0);
        }
        pos += n;
        return n;
    }

    private static long number(String entry, String v) throws LayerFormatException {
        try {
            long n = Long.parseLong(v == null ? "" : v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new LayerFormatException(entry, "bad number '" + v + "' in a GNU sparse record");
        }
    }

    /** The 1.0 map's decimal lines, read byte by byte from the entry's data. */
    private static final class MapReader {
        private final String entry;
        private final Physical data;
        private final byte[] one = new byte[1];
        long bytes;

        MapReader(String entry, Physical data) {
            this.entry = entry;
            this.data = data;
        }

        long next() throws IOException {
            long v = 0;
            for (int digits = 0; ; digits++) {
                if (data.read(one, 0, 1) < 1) throw new LayerFormatException(entry, "truncated sparse map");
                bytes++;
                if (one[0] == '\n' && digits > 0) return v;
                if (one[0] < '0' || one[0] > '9' || digits >= 18) throw new LayerFormatException(entry, "bad sparse map line");
                v = v * 10 + (one[0] - '0');
            }
        }

        long skipToBlock() throws IOException {
            int pad = (int) ((TarReader.BLOCK - bytes % TarReader.BLOCK) % TarReader.BLOCK);
            byte[] skip = new byte[pad];
            for (int done = 0; done < pad; ) {
                int n = data.read(skip, done, pad - done);
                if (n < 0) throw new LayerFormatException(entry, "truncated sparse map");
                done += n;
            }
            return pad;
        }
    }
}
