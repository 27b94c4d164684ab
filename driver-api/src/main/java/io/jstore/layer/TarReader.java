package io.jstore.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streaming reader of POSIX (ustar + PAX) and GNU tar. Written here rather than taken from
 * Commons Compress because PAX {@code SCHILY.xattr.*} values are raw bytes (a
 * {@code security.capability} is binary) that a String-typed header map cannot carry, and
 * because every limit must be ours: extended headers are capped at {@link #MAX_EXTENDED}
 * bytes, data is never buffered, and any lie (checksum, size, record length) is a
 * {@link LayerFormatException} naming the entry.
 */
final class TarReader {
    /** Largest PAX or GNU long-name header accepted; real ones are a few hundred bytes. */
    static final int MAX_EXTENDED = 1 << 20;
    static final int BLOCK = 512;

    /** Read-ahead: the applier writes file data straight out of it (see {@link #buffered}). */
    static final int BUFFER = 1 << 20;

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private long remaining;
    private long padding;
    private SparseMap sparse;
    private String current = "";
    private Map<String, String> globalPax = Map.of();

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null after the end-of-archive marker. */
    TarEntry next() throws IOException {
        skip(remaining + padding);
        remaining = padding = 0;
        Map<String, String> pax = null;
        Map<String, byte[]> xattrs = new TreeMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            if (!readBlock()) throw new LayerFormatException(current, "truncated: stream ends where a header should be");
            if (allZero(block)) {
                if (pax != null || longName != null || longLink != null) {
                    throw new LayerFormatException(current, "extended header not followed by an entry");
                }
                drain();
                return null;
            }
            verifyChecksum();
            char type = (char) (block[156] & 0xff);
            long size = number(124, 12, "size");
            String rawName = headerName();
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                byte[] data = readExtended(rawName, size);
                switch (type) {
                    case 'x' -> pax = parsePax(rawName, data, xattrs);
                    case 'g' -> globalPax = parsePax(rawName, data, new TreeMap<>());
                    case 'L' -> longName = cString(data, 0, data.length);
                    default -> longLink = cString(data, 0, data.length);
                }
                continue;
            }
            Map<String, String> p = pax == null ? globalPax : pax;
            String name = p.getOrDefault("GNU.sparse.name", p.getOrDefault("path", longName != null ? longName : rawName));
            current = name;
            if (name.isEmpty()) throw new LayerFormatException(name, "empty name");
            if (name.indexOf('\0') >= 0) throw new LayerFormatException(name, "NUL in name");
            boolean sparseFile = hasSparseRecords(p);
            if (type == 'S') throw new LayerFormatException(name, "GNU sparse entries are not supported");
            if (type == '\0' || type == '7') type = TarEntry.REGULAR;
            if ("0123456".indexOf(type) < 0) throw new LayerFormatException(name, "unsupported entry type '" + type + "'");
            if (p.containsKey("size")) size = paxLong(name, p.get("size"));
            if (size < 0) throw new LayerFormatException(name, "negative size");
            String link = p.getOrDefault("linkpath", longLink != null ? longLink : cString(block, 157, 100));
            long mtime = p.containsKey("mtime") ? paxTime(name, p.get("mtime")) : number(136, 12, "mtime") * 1_000_000_000L;
            long atime = p.containsKey("atime") ? paxTime(name, p.get("atime")) : -1;
            int uid = p.containsKey("uid") ? (int) paxLong(name, p.get("uid")) : (int) number(108, 8, "uid");
            int gid = p.containsKey("gid") ? (int) paxLong(name, p.get("gid")) : (int) number(116, 8, "gid");
            int mode = (int) (number(100, 8, "mode") & 07777);
            int major = 0, minor = 0;
            if (type == TarEntry.CHAR_DEVICE || type == TarEntry.BLOCK_DEVICE) {
                major = (int) number(329, 8, "devmajor");
                minor = (int) number(337, 8, "devminor");
            }
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            sparse = null;
            if (sparseFile) {
                if (type != TarEntry.REGULAR) throw new LayerFormatException(name, "GNU sparse records on a " + type + " entry");
                sparse = SparseMap.read(name, p, this::archived, size);
                size = sparse.realSize();
            }
            return new TarEntry(name, type, mode, uid, gid, size, mtime, atime, link, major, minor, xattrs);
        }
    }

    /** Reads the current entry's data; -1 at its end, a {@link LayerFormatException} if the stream ends first. */
    int read(byte[] buf, int off, int len) throws IOException {
        return sparse != null ? sparse.read(this::archived, buf, off, len) : archived(buf, off, len);
    }

    /** The entry's bytes as archived (for a sparse file: its map and data segments). */
    private int archived(byte[] dst, int off, int len) throws IOException {
        if (remaining == 0) return -1;
        int n = (int) Math.min(len, remaining);
        if (pos == lim && n >= buf.length) {
            n = in.read(dst, off, n);
            if (n < 0) throw new LayerFormatException(current, "truncated: " + remaining + " bytes of data missing");
        } else {
            if (pos == lim && !fill()) throw new LayerFormatException(current, "truncated: " + remaining + " bytes of data missing");
            n = Math.min(n, lim - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
        }
        remaining -= n;
        return n;
    }

    /** Bytes of the current entry's data not yet read. */
    long remaining() {
        return sparse != null ? sparse.remaining() : remaining;
    }

    /** Whether the current entry is a GNU sparse file, whose data {@link #read} expands (holes as zeros). */
    boolean sparse() {
        return sparse != null;
    }

    /**
     * For a non-sparse entry: makes some of its next data bytes readable in place at
     * {@link #buffer()}[{@link #offset()}] and returns how many (at least one, at most what the
     * entry has left; 0 at its end); {@link #consume} then moves past them. No copy is made.
     */
    int buffered() throws IOException {
        if (remaining == 0) return 0;
        if (pos == lim && !fill()) throw new LayerFormatException(current, "truncated: " + remaining + " bytes of data missing");
        return (int) Math.min(lim - pos, remaining);
    }

    byte[] buffer() {
        return buf;
    }

    int offset() {
        return pos;
    }

    /** Moves past {@code n} bytes that {@link #buffered} made readable. */
    void consume(int n) {
        pos += n;
        remaining -= n;
    }

    /** Reads more input into the (empty) buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        pos = lim = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) return false;
        lim = n;
        return true;
    }

    /** Copies exactly {@code len} bytes; false when the stream ends first (having copied what there was). */
    private boolean readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == lim && !fill()) return false;
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
        return true;
    }

    private boolean readBlock() throws IOException {
        if (pos == lim && !fill()) return false;
        if (!readFully(block, 0, BLOCK)) throw new LayerFormatException(current, "truncated: partial header block");
        return true;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == lim && !fill()) throw new LayerFormatException(current, "truncated: " + n + " bytes of data missing");
            int s = (int) Math.min(n, lim - pos);
            pos += s;
            n -= s;
        }
    }

    /** After the end marker: consume the rest (the second zero block, record padding) so digests cover it all. */
    private void drain() throws IOException {
        pos = lim;
        while (fill()) {
            // padding after the end-of-archive marker belongs to the uncompressed stream
        }
        pos = lim;
    }

    private byte[] readExtended(String rawName, long size) throws IOException {
        if (size > MAX_EXTENDED) {
            throw new LayerFormatException(current.isEmpty() ? rawName : current,
                    "extended header of " + size + " bytes exceeds the " + MAX_EXTENDED + "-byte limit");
        }
        byte[] data = new byte[(int) size];
        if (!readFully(data, 0, data.length)) {
            throw new LayerFormatException(rawName, "truncated: extended header cut short");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    static boolean hasSparseRecords(Map<String, String> pax) {
        for (String k : pax.keySet()) if (k.startsWith("GNU.sparse.")) return true;
        return false;
    }

    static Map<String, String> parsePax(String rawName, byte[] d, Map<String, byte[]> xattrs) throws LayerFormatException {
        Map<String, String> out = new HashMap<>();
        int pos = 0;
        while (pos < d.length) {
            int sp = pos;
            long len = 0;
            while (sp < d.length && d[sp] >= '0' && d[sp] <= '9' && sp - pos < 10) len = len * 10 + (d[sp++] - '0');
            if (sp == pos || sp >= d.length || d[sp] != ' ' || len <= sp - pos + 1 || pos + len > d.length
                    || d[(int) (pos + len - 1)] != '\n') {
                throw new LayerFormatException(rawName, "bad PAX record at offset " + pos);
            }
            int end = (int) (pos + len - 1);
            int eq = sp + 1;
            while (eq < end && d[eq] != '=') eq++;
            if (eq == end || eq == sp + 1) throw new LayerFormatException(rawName, "bad PAX record at offset " + pos);
            String key = new String(d, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            if (key.startsWith("SCHILY.xattr.")) {
                xattrs.put(key.substring(13), java.util.Arrays.copyOfRange(d, eq + 1, end));
            } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                try {
                    xattrs.put(key.substring(17), Base64.getDecoder().decode(new String(d, eq + 1, end - eq - 1, StandardCharsets.US_ASCII)));
                } catch (IllegalArgumentException e) {
                    throw new LayerFormatException(rawName, "bad base64 in " + key);
                }
            } else {
                out.put(key, new String(d, eq + 1, end - eq - 1, StandardCharsets.UTF_8));
            }
            pos = (int) (pos + len);
        }
        return out;
    }

    static long paxLong(String name, String v) throws LayerFormatException {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new LayerFormatException(name, "bad PAX number '" + v + "'");
        }
    }

    private static long paxTime(String name, String v) throws LayerFormatException {
        try {
            int dot = v.indexOf('.');
            String sec = dot < 0 ? v : v.substring(0, dot);
            String frac = dot < 0 ? "" : v.substring(dot + 1);
            if (frac.length() > 9) frac = frac.substring(0, 9);
            if (!frac.chars().allMatch(Character::isDigit)) throw new NumberFormatException();
            long s = Long.parseLong(sec);
            long ns = frac.isEmpty() ? 0 : Long.parseLong((frac + "000000000").substring(0, 9));
            return v.startsWith("-") ? s * 1_000_000_000L - ns : Math.addExact(Math.multiplyExact(s, 1_000_000_000L), ns);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new LayerFormatException(name, "bad PAX time '" + v + "'");
        }
    }

    private String headerName() {
        return headerName(block);
    }

    /** A header's own name field, with the ustar prefix where it has one (PAX and GNU long names come apart). */
    static String headerName(byte[] block) {
        String name = cString(block, 0, 100);
        boolean posix = block[257] == 'u' && block[262] == 0 && block[263] == '0';
        if (posix && block[345] != 0) name = cString(block, 345, 155) + "/" + name;
        return name;
    }

    private void verifyChecksum() throws LayerFormatException {
        long stored;
        try {
            stored = number(148, 8, "checksum");
        } catch (LayerFormatException e) {
            stored = -1;
        }
        // the checksum field counts as eight spaces; plain loops over the block vectorize
        long unsigned = 8 * ' ', signed = 8 * ' ';
        for (int i = 0; i < BLOCK; i++) {
            unsigned += block[i] & 0xff;
            signed += block[i];
        }
        for (int i = 148; i < 156; i++) {
            unsigned -= block[i] & 0xff;
            signed -= block[i];
        }
        if (stored != unsigned && stored != signed) {
            // garbage has no name worth printing: name the last good entry instead
            String name = cString(block, 0, 100);
            boolean printable = !name.isEmpty() && name.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xfffd);
            String where = printable ? name : current.isEmpty() ? null : current;
            throw new LayerFormatException(where, "header checksum mismatch (not a tar, or corrupt)"
                    + (printable || current.isEmpty() ? "" : " after this entry"));
        }
    }

    /** An octal field (NUL/space padded) or GNU base-256 when the high bit is set. */
    private long number(int off, int len, String field) throws LayerFormatException {
        return number(block, off, len, field);
    }

    static long number(byte[] block, int off, int len, String field) throws LayerFormatException {
        if ((block[off] & 0x80) != 0) {
            if ((block[off] & 0x40) != 0) throw new LayerFormatException(cString(block, 0, 100), "negative " + field);
            long v = block[off] & 0x3f;
            for (int i = 1; i < len; i++) {
                if (v >>> 55 != 0) throw new LayerFormatException(cString(block, 0, 100), field + " out of range");
                v = (v << 8) | (block[off + i] & 0xff);
            }
            return v;
        }
        int i = off, end = off + len;
        while (i < end && (block[i] == ' ' || block[i] == 0)) i++;
        long v = 0;
        for (; i < end && block[i] != 0 && block[i] != ' '; i++) {
            if (block[i] < '0' || block[i] > '7') {
                throw new LayerFormatException(cString(block, 0, 100), "bad " + field + " field");
            }
            v = (v << 3) | (block[i] - '0');
        }
        return v;
    }

    private static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }
}
