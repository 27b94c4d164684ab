package io.jstore.graph;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-disk form of the records: a version byte, then the fields in declaration order as
 * varint-length-prefixed UTF-8 strings (-1 length = null) and varint numbers.
 *
 * <p>Why not Jackson: a layer lookup is an LMDB get (~100 ns) plus a decode, and the decode
 * dominates with a JSON tree mapper (microseconds, allocation of a parser per call). This codec
 * decodes a layer record in well under a microsecond, which is what makes 10^6 lookups/s
 * possible. The version byte lets a later layout read older records. Image configs stay the
 * raw JSON bytes (their digest is their identity).
 */
final class Codec {
    private Codec() {}

    static final byte VERSION = 1;

    static byte[] layer(LayerRecord r) {
        Out o = new Out();
        o.str(r.chainId()).str(r.diffId()).str(r.parent()).str(r.driver()).str(r.cacheId())
                .num(r.size()).str(r.compressedDigest()).num(r.compressedSize()).num(r.created()).num(r.refCount());
        return o.bytes();
    }

    static LayerRecord layer(byte[] b) throws GraphException.CorruptException {
        In i = new In(b, "layer");
        return new LayerRecord(i.str(), i.str(), i.str(), i.str(), i.str(), i.num(), i.str(), i.num(), i.num(),
                (int) i.num());
    }

    static byte[] incomplete(IncompleteRecord r) {
        Out o = new Out();
        o.str(r.cacheId()).num(r.kind().ordinal()).num(r.op().ordinal()).str(r.parentChainId()).str(r.driver())
                .num(r.ownerPid()).num(r.ownerStart()).num(r.started());
        return o.bytes();
    }

    static IncompleteRecord incomplete(byte[] b) throws GraphException.CorruptException {
        In i = new In(b, "incomplete");
        return new IncompleteRecord(i.str(), i.pick(IncompleteRecord.Kind.values()), i.pick(IncompleteRecord.Op.values()),
                i.str(), i.str(), i.num(), i.num(), i.num());
    }

    static byte[] image(ImageRecord r) {
        Out o = new Out();
        o.str(r.id()).str(r.config()).num(r.diffIds().size());
        r.diffIds().forEach(o::str);
        o.str(r.topChainId()).str(r.manifestDigest()).num(r.created());
        return o.bytes();
    }

    static ImageRecord image(byte[] b) throws GraphException.CorruptException {
        In i = new In(b, "image");
        String id = i.str();
        String config = i.str();
        int n = i.count();
        List<String> diffIds = new ArrayList<>(n);
        for (int k = 0; k < n; k++) diffIds.add(i.str());
        return new ImageRecord(id, config, diffIds, i.str(), i.str(), i.num());
    }

    static byte[] container(ContainerRecord r) {
        Out o = new Out();
        o.str(r.id()).str(r.cacheId()).str(r.image()).str(r.layer()).num(r.created()).str(r.state())
                .num(r.config().size());
        r.config().forEach((k, v) -> o.str(k).str(v));
        return o.bytes();
    }

    static ContainerRecord container(byte[] b) throws GraphException.CorruptException {
        In i = new In(b, "container");
        String id = i.str();
        String cache = i.str();
        String image = i.str();
        String layer = i.str();
        long created = i.num();
        String state = i.str();
        int n = i.count();
        Map<String, String> config = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) config.put(i.str(), i.str());
        return new ContainerRecord(id, cache, image, layer, created, state, config);
    }

    static byte[] mounts(MountRecord r) {
        Out o = new Out();
        o.str(r.cacheId()).num(r.holders().size());
        r.holders().forEach(h -> o.num(h.pid()).num(h.start()));
        return o.bytes();
    }

    static MountRecord mounts(byte[] b) throws GraphException.CorruptException {
        In i = new In(b, "mounts");
        String cache = i.str();
        int n = i.count();
        List<MountRecord.Holder> hs = new ArrayList<>(n);
        for (int k = 0; k < n; k++) hs.add(new MountRecord.Holder(i.num(), i.num()));
        return new MountRecord(cache, hs);
    }

    static byte[] lease(Lease r) {
        Out o = new Out();
        o.str(r.id()).num(r.ownerPid()).num(r.ownerStart()).num(r.chainIds().size());
        r.chainIds().forEach(o::str);
        return o.bytes();
    }

    static Lease lease(byte[] b) throws GraphException.CorruptException {
        In i = new In(b, "lease");
        String id = i.str();
        long pid = i.num();
        long start = i.num();
        int n = i.count();
        List<String> ids = new ArrayList<>(n);
        for (int k = 0; k < n; k++) ids.add(i.str());
        return new Lease(id, pid, start, ids);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static final class Out {
        private byte[] buf = new byte[128];
        private int len;

        Out() {
            buf[len++] = VERSION;
        }

        Out num(long v) {
            // zig-zag varint: sizes and times are small positive numbers, -1 is possible for lengths
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                put((byte) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            put((byte) z);
            return this;
        }

        Out str(String s) {
            if (s == null) return num(-1);
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            num(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        private void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        private void ensure(int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }

    private static final class In {
        private final byte[] b;
        private final String what;
        private int pos;

        In(byte[] b, String what) throws GraphException.CorruptException {
            this.b = b;
            this.what = what;
            if (b.length == 0 || b[0] != VERSION) {
                throw new GraphException.CorruptException(what + " record: unknown encoding version "
                        + (b.length == 0 ? "(empty)" : b[0]));
            }
            pos = 1;
        }

        long num() throws GraphException.CorruptException {
            long z = 0;
            int shift = 0;
            while (true) {
                if (pos >= b.length || shift > 63) throw corrupt();
                byte x = b[pos++];
                z |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) break;
                shift += 7;
            }
            return (z >>> 1) ^ -(z & 1);
        }

        int count() throws GraphException.CorruptException {
            long n = num();
            if (n < 0 || n > b.length) throw corrupt();
            return (int) n;
        }

        String str() throws GraphException.CorruptException {
            long n = num();
            if (n == -1) return null;
            if (n < 0 || pos + n > b.length) throw corrupt();
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        <E extends Enum<E>> E pick(E[] values) throws GraphException.CorruptException {
            long n = num();
            if (n < 0 || n >= values.length) throw corrupt();
            return values[(int) n];
        }

        private GraphException.CorruptException corrupt() {
            return new GraphException.CorruptException(what + " record is truncated or malformed at byte " + pos);
        }
    }
}
