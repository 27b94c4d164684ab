package io.jstore.layer;

import java.io.ByteArrayOutputStream;
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
    private final byte[] header = new byte[BLOCK];
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
        byte[] link = e.linkName().getBytes(StandardCharsets.UTF_8);
        long seconds = Math.floorDiv(e.mtimeNanos(), 1_000_000_000L);
        int nanos = (int) Math.floorMod(e.mtimeNanos(), 1_000_000_000L);
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        if (name.length > 100 || !ascii(name)) record(pax, "path", name);
        if (link.length > 100 || !ascii(link)) record(pax, "linkpath", link);
        if (e.size() > MAX_OCTAL_12) record(pax, "size", ascii(Long.toString(e.size())));
        if ((e.uid() & 0xffffffffL) > MAX_OCTAL_8) record(pax, "uid", ascii(Integer.toUnsignedString(e.uid())));
        if ((e.gid() & 0xffffffffL) > MAX_OCTAL_8) record(pax, "gid", ascii(Integer.toUnsignedString(e.gid())));
        if (nanos != 0 || seconds < 0 || seconds > MAX_OCTAL_12) {
            record(pax, "mtime", ascii(seconds + (nanos == 0 ? "" : "." + String.format("%09d", nanos))));
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) record(pax, "SCHILY.xattr." + x.getKey(), x.getValue());
        if (pax.size() > 0) {
            String base = e.name().replaceAll("/+$", "");
            base = base.substring(base.lastIndexOf('/') + 1);
            byte[] paxName = truncate(("PaxHeaders/" + base).getBytes(StandardCharsets.UTF_8), 100);
            block(paxName, 'x', 0644, 0, 0, pax.size(), 0, new byte[0], 0, 0);
            out.write(pax.toByteArray());
            pad(pax.size());
        }
        block(truncate(name, 100), e.type(), e.mode(), clampId(e.uid()), clampId(e.gid()),
                e.size() > MAX_OCTAL_12 ? 0 : e.size(), Math.max(0, Math.min(seconds, MAX_OCTAL_12)),
                truncate(link, 100), e.devMajor(), e.devMinor());
        pending = entrySize = e.size();
    }

    /** Data of the current entry. */
    void data(byte[] b, int off, int len) throws IOException {
        if (len > pending) throw new IllegalStateException("entry data longer than its header's size");
        out.write(b, off, len);
        pending -= len;
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

    private void block(byte[] name, char type, int mode, long uid, long gid, long size, long mtime,
                       byte[] link, int major, int minor) throws IOException {
        Arrays.fill(header, (byte) 0);
        System.arraycopy(name, 0, header, 0, name.length);
        octal(100, 8, mode & 07777);
        octal(108, 8, uid);
        octal(116, 8, gid);
        octal(124, 12, size);
        octal(136, 12, mtime);
        header[156] = (byte) type;
        System.arraycopy(link, 0, header, 157, link.length);
        System.arraycopy(ascii("ustar\0"), 0, header, 257, 6);
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

    private void octal(int off, int len, long v) {
        String s = Long.toOctalString(v);
        int digits = len - 1;
        for (int i = 0; i < digits; i++) {
            int from = s.length() - digits + i;
            header[off + i] = (byte) (from < 0 ? '0' : s.charAt(from));
        }
        header[off + digits] = 0;
    }

    private static long clampId(int id) {
        long v = id & 0xffffffffL;
        return v > MAX_OCTAL_8 ? 0 : v;
    }

    private static void record(ByteArrayOutputStream pax, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int body = 1 + k.length + 1 + value.length + 1; // ' ' key '=' value '\n'
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) len++;
        pax.writeBytes(ascii(Integer.toString(len)));
        pax.write(' ');
        pax.writeBytes(k);
        pax.write('=');
        pax.writeBytes(value);
        pax.write('\n');
    }

    private static byte[] truncate(byte[] b, int max) {
        return b.length <= max ? b : Arrays.copyOf(b, max);
    }

    private static boolean ascii(byte[] b) {
        for (byte x : b) if (x < 0x20 && x != 0 || x < 0) return false;
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
