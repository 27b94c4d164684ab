package io.jstore.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes POSIX pax tar, deterministically: no user or group names, no atime or ctime, a fixed
 * name and time for extended headers, PAX records in a fixed order (xattrs sorted by the
 * caller). A PAX header precedes an entry only when ustar cannot hold it: long or non-ASCII
 * names, sub-second mtimes, large ids or sizes, xattrs (raw bytes, as GNU tar writes them).
 */
final class TarWriter {
    private static final int BLOCK = TarReader.BLOCK;
    private static final long MAX_OCTAL_8 = 07777777L;
    private static final long MAX_OCTAL_12 = 077777777777L;

    private final OutputStream out;
    private static final byte[] NONE = new byte[0];
    private static final byte[] USTAR = ascii("ustar\0");
    private static final byte[] PATH = ascii("path");
    private static final byte[] LINKPATH = ascii("linkpath");
    private static final byte[] SIZE = ascii("size");
    private static final byte[] UID = ascii("uid");
    private static final byte[] GID = ascii("gid");
    private static final byte[] MTIME = ascii("mtime");

    private final byte[] header = new byte[BLOCK];
    private final PaxRecords pax = new PaxRecords();
    private long pending;
    private long entrySize;

    /** {@code out} should be buffered; this class writes it in small pieces. */
    TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes the header(s) of {@code e}; exactly {@code e.size()} data bytes must follow through {@link #data}. */
    void header(TarEntry e) throws IOException {
        if (pending != 0) throw new IllegalStateException("previous entry still owes " + pending + " bytes");
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        byte[] link = e.linkName().isEmpty() ? NONE : e.linkName().getBytes(StandardCharsets.UTF_8);
        long seconds = Math.floorDiv(e.mtimeNanos(), 1_000_000_000L);
        int nanos = (int) Math.floorMod(e.mtimeNanos(), 1_000_000_000L);
        pax.reset();
        if (name.length > 100 || !ascii(name)) pax.record(PATH, name);
        if (link.length > 100 || !ascii(link)) pax.record(LINKPATH, link);
        if (e.size() > MAX_OCTAL_12) pax.record(SIZE, ascii(Long.toString(e.size())));
        if ((e.uid() & 0xffffffffL) > MAX_OCTAL_8) pax.record(UID, ascii(Integer.toUnsignedString(e.uid())));
        if ((e.gid() & 0xffffffffL) > MAX_OCTAL_8) pax.record(GID, ascii(Integer.toUnsignedString(e.gid())));
        if (nanos != 0 || seconds < 0 || seconds > MAX_OCTAL_12) pax.record(MTIME, mtime(seconds, nanos));
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            pax.record(("SCHILY.xattr." + x.getKey()).getBytes(StandardCharsets.UTF_8), x.getValue());
        }
        if (pax.size > 0) {
            block(paxName(e.name()), 'x', 0644, 0, 0, pax.size, 0, NONE, 0, 0);
            out.write(pax.bytes, 0, pax.size);
            pad(pax.size);
        }
        block(name, e.type(), e.mode(), clampId(e.uid()), clampId(e.gid()),
                e.size() > MAX_OCTAL_12 ? 0 : e.size(), Math.max(0, Math.min(seconds, MAX_OCTAL_12)),
                link, e.devMajor(), e.devMinor());
        pending = entrySize = e.size();
    }

    /** Data of the current entry. */
    void data(byte[] b, int off, int len) throws IOException {
        if (len > pending) throw new IllegalStateException("entry data longer than its header's size");
        out.write(b, off, len);
        pending -= len;
        if (pending == 0) pad(entrySize);
    }

    /** {@code n} data bytes of the current entry went to the stream straight from a file. */
    void wrote(long n) throws IOException {
        if (n > pending) throw new IllegalStateException("entry data longer than its header's size");
        pending -= n;
        if (pending == 0) pad(entrySize);
    }

    /** Bytes the current entry still owes. */
    long pending() {
        return pending;
    }

    /** Ends the archive with two zero blocks. Does not close the stream. */
    void finish() throws IOException {
        if (pending != 0) throw new IllegalStateException("last entry still owes " + pending + " bytes");
        out.write(new byte[BLOCK * 2]);
        out.flush();
    }

    /** One ustar header; names and links longer than its fields are cut (a PAX record holds them whole). */
    private void block(byte[] name, char type, int mode, long uid, long gid, long size, long mtime,
                       byte[] link, int major, int minor) throws IOException {
        Arrays.fill(header, (byte) 0);
        System.arraycopy(name, 0, header, 0, Math.min(name.length, 100));
        octal(100, 8, mode & 07777);
        octal(108, 8, uid);
        octal(116, 8, gid);
        octal(124, 12, size);
        octal(136, 12, mtime);
        header[156] = (byte) type;
        System.arraycopy(link, 0, header, 157, Math.min(link.length, 100));
        System.arraycopy(USTAR, 0, header, 257, USTAR.length);
        header[263] = '0';
        header[264] = '0';
        if (type == TarEntry.CHAR_DEVICE || type == TarEntry.BLOCK_DEVICE) {
            octal(329, 8, major & MAX_OCTAL_8);
            octal(337, 8, minor & MAX_OCTAL_8);
        }
        Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) sum += b & 0xff;
        octal(148, 7, sum);
        header[155] = ' ';
        out.write(header);
    }

    private void pad(long size) throws IOException {
        int rest = (int) ((BLOCK - size % BLOCK) % BLOCK);
        if (rest > 0) out.write(ZEROS, 0, rest);
    }

    private static final byte[] ZEROS = new byte[BLOCK];

    /** {@code v} as {@code len - 1} octal digits and a NUL; digits that do not fit are dropped from the left. */
    private void octal(int off, int len, long v) {
        for (int i = off + len - 2; i >= off; i--) {
            header[i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        }
        header[off + len - 1] = 0;
    }

    /** PAX's {@code mtime}: seconds, then a dot and nine digits of nanoseconds when there are any. */
    private static byte[] mtime(long seconds, int nanos) {
        byte[] s = ascii(Long.toString(seconds));
        if (nanos == 0) return s;
        byte[] t = Arrays.copyOf(s, s.length + 10);
        t[s.length] = '.';
        for (int i = t.length - 1; i > s.length; i--) {
            t[i] = (byte) ('0' + nanos % 10);
            nanos /= 10;
        }
        return t;
    }

    /** The extended header's own name: {@code PaxHeaders/} and the entry's last component. */
    private static byte[] paxName(String entry) {
        int end = entry.length();
        while (end > 0 && entry.charAt(end - 1) == '/') end--;
        String base = entry.substring(entry.lastIndexOf('/', end - 1) + 1, end);
        return ("PaxHeaders/" + base).getBytes(StandardCharsets.UTF_8);
    }

    private static long clampId(int id) {
        long v = id & 0xffffffffL;
        return v > MAX_OCTAL_8 ? 0 : v;
    }

    /** PAX records ({@code "LEN key=value\\n"}), built in one reused array. */
    private static final class PaxRecords {
        byte[] bytes = new byte[1024];
        int size;

        void reset() {
            size = 0;
        }

        void record(byte[] key, byte[] value) {
            int body = 1 + key.length + 1 + value.length + 1; // ' ' key '=' value '\n'
            int len = body + digits(body);
            if (digits(len) != digits(body)) len++;
            if (size + len > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            byte[] n = ascii(Integer.toString(len));
            System.arraycopy(n, 0, bytes, size, n.length);
            size += n.length;
            bytes[size++] = ' ';
            System.arraycopy(key, 0, bytes, size, key.length);
            size += key.length;
            bytes[size++] = '=';
            System.arraycopy(value, 0, bytes, size, value.length);
            size += value.length;
            bytes[size++] = '\n';
        }

        private static int digits(int v) {
            return Integer.toString(v).length();
        }
    }

    private static boolean ascii(byte[] b) {
        for (byte x : b) if (x < 0x20 && x != 0 || x < 0) return false;
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
