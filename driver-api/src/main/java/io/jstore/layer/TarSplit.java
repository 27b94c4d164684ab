package io.jstore.layer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * A layer tar's bytes minus its regular files' contents, so the tar can be written again byte
 * for byte from the layer it was applied to (containers/storage keeps the same thing as
 * "tar-split"): headers, PAX and GNU extended headers, padding and the end-of-archive blocks
 * are kept as they came; a regular file's data is kept as its name and length, to be read
 * back from the applied layer. The tar's DiffID, which the image config names, then survives
 * an export.
 *
 * <p>The form is deflated records: {@code RAW len bytes} and {@code FILE name len}. Whoever
 * replays a split must check the result's digest: a layer changed after apply, or a tar that
 * named one file twice, replays to other bytes.
 */
public final class TarSplit {
    private TarSplit() {}

    private static final int VERSION = 1;
    private static final byte RAW = 0;
    private static final byte FILE = 1;
    /** Splits past this are dropped (whoever exports then regenerates the tar); real ones are a few hundred KiB. */
    static final int MAX_BYTES = 64 << 20;

    /** The layer no longer holds what a split names: a file is missing, of another kind, or of another length. */
    public static final class StaleException extends IOException {
        StaleException(String name, String why) {
            super("layer tar cannot be replayed at " + name + ": " + why);
        }
    }

    /**
     * Passes a layer tar through unchanged and records its split. Read it to the end (as a
     * digest of the whole stream needs anyway), then take {@link #split()}. It never fails the
     * read: what it cannot follow (GNU's old sparse entries, a malformed header the applier
     * will refuse anyway) only means there is no split.
     */
    public static final class Recorder extends FilterInputStream {
        private enum State { HEADER, META, DATA, RAW_DATA, PAD, TRAILER }

        private final byte[] header = new byte[TarReader.BLOCK];
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        private final ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(deflated));
        private State state = State.HEADER;
        private int filled;
        private long left;
        private long padding;
        private char metaType;
        private ByteArrayOutputStream meta;
        private Map<String, String> pax;
        private Map<String, String> globalPax = Map.of();
        private String longName;
        private boolean broken;

        public Recorder(InputStream in) {
            super(in);
            try {
                out.writeByte(VERSION);
            } catch (IOException e) {
                throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) see(new byte[] {(byte) b}, 0, 1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) see(buf, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes belong to the split too, so skip by reading.
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** The split of everything read, or null when the tar could not be followed or the split grew too large. */
        public byte[] split() {
            if (broken) return null;
            try {
                flushRaw();
                out.close();
            } catch (IOException e) {
                return null;
            }
            return broken ? null : deflated.toByteArray();
        }

        private void see(byte[] b, int off, int n) throws IOException {
            while (n > 0 && !broken) {
                int k = switch (state) {
                    case HEADER -> Math.min(n, header.length - filled);
                    case TRAILER -> n;
                    default -> (int) Math.min(n, left);
                };
                if (state != State.DATA) raw.write(b, off, k);
                switch (state) {
                    case HEADER -> {
                        System.arraycopy(b, off, header, filled, k);
                        filled += k;
                        if (filled == header.length) {
                            filled = 0;
                            header();
                        }
                    }
                    case META -> {
                        meta.write(b, off, k);
                        left -= k;
                        if (left == 0) endMeta();
                    }
                    case DATA, RAW_DATA, PAD -> {
                        left -= k;
                        if (left == 0) afterContent();
                    }
                    case TRAILER -> { }
                }
                off += k;
                n -= k;
            }
        }

        private void header() throws IOException {
            if (TarReader.allZero(header)) {
                state = State.TRAILER;
                return;
            }
            try {
                char type = (char) (header[156] & 0xff);
                long size = TarReader.number(header, 124, 12, "size");
                String rawName = TarReader.headerName(header);
                if (type == 'x' || type == 'g' || type == 'L') {
                    if (size > TarReader.MAX_EXTENDED) throw new LayerFormatException(rawName, "extended header too large");
                    metaType = type;
                    meta = new ByteArrayOutputStream((int) size);
                    content(State.META, size);
                    return;
                }
                if (type == 'S') {
                    broken = true; // extension blocks between header and data; the applier refuses it anyway
                    return;
                }
                Map<String, String> p = pax == null ? globalPax : pax;
                String name = p.getOrDefault("path", longName != null ? longName : rawName);
                if (p.containsKey("size")) size = TarReader.paxLong(name, p.get("size"));
                boolean sparse = TarReader.hasSparseRecords(p);
                pax = null;
                longName = null;
                if ((type == '0' || type == '\0' || type == '7') && !sparse && size > 0) {
                    flushRaw();
                    out.writeByte(FILE);
                    out.writeUTF(name);
                    out.writeLong(size);
                    content(State.DATA, size);
                } else {
                    content(State.RAW_DATA, size); // a sparse file's map and segments are kept as they are
                }
            } catch (LayerFormatException e) {
                broken = true;
            }
        }

        private void content(State s, long size) {
            padding = (TarReader.BLOCK - size % TarReader.BLOCK) % TarReader.BLOCK;
            left = size;
            state = s;
            if (size == 0) afterContent();
        }

        private void endMeta() {
            byte[] data = meta.toByteArray();
            meta = null;
            try {
                switch (metaType) {
                    case 'x' -> pax = TarReader.parsePax("", data, new TreeMap<>());
                    case 'g' -> globalPax = TarReader.parsePax("", data, new TreeMap<>());
                    default -> longName = cString(data);
                }
            } catch (LayerFormatException e) {
                broken = true;
            }
            afterContent();
        }

        private void afterContent() {
            if (state != State.PAD && padding > 0) {
                state = State.PAD;
                left = padding;
            } else {
                state = State.HEADER;
            }
        }

        private void flushRaw() throws IOException {
            if (raw.size() == 0) return;
            out.writeByte(RAW);
            out.writeInt(raw.size());
            raw.writeTo(out);
            raw.reset();
            if (deflated.size() > MAX_BYTES) broken = true;
        }

        private static String cString(byte[] b) {
            int end = 0;
            while (end < b.length && b[end] != 0) end++;
            return new String(b, 0, end, StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes the tar {@code split} was recorded from, reading regular files' contents from
     * {@code root} (the layer as applied, mounted read-only). Names resolve inside the root
     * only, never through a symlink.
     */
    public static void replay(byte[] split, Path root, OutputStream out) throws IOException {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new java.io.ByteArrayInputStream(split)));
             TargetRoot target = new TargetRoot(root)) {
            if (in.readByte() != VERSION) throw new StaleException(root.toString(), "unknown split version");
            byte[] buf = new byte[65536];
            while (true) {
                int tag = in.read();
                if (tag < 0) return;
                if (tag == RAW) {
                    int n = in.readInt();
                    for (int done = 0; done < n; ) {
                        int r = in.read(buf, 0, Math.min(buf.length, n - done));
                        if (r < 0) throw new EOFException("split cut short");
                        out.write(buf, 0, r);
                        done += r;
                    }
                } else if (tag == FILE) {
                    copyFile(target, in.readUTF(), in.readLong(), out, buf);
                } else {
                    throw new StaleException(root.toString(), "unknown split record " + tag);
                }
            }
        }
    }

    private static void copyFile(TargetRoot root, String name, long size, OutputStream out, byte[] buf) throws IOException {
        List<String> comps;
        try {
            comps = TargetRoot.components(name, name);
        } catch (UnsafeEntryException e) {
            throw new StaleException(name, e.getMessage());
        }
        if (comps.isEmpty()) throw new StaleException(name, "names the root");
        Path dir = root.existingDir(TargetRoot.join(comps, comps.size() - 1), name);
        if (dir == null) throw new StaleException(name, "its directory is gone");
        Path file = dir.resolve(comps.get(comps.size() - 1));
        // Checked before opening: opening a fifo would block.
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new StaleException(name, "not a regular file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() != size) throw new StaleException(name, "length " + ch.size() + ", the tar had " + size);
            InputStream data = Channels.newInputStream(ch);
            for (long done = 0; done < size; ) {
                int r = data.read(buf, 0, (int) Math.min(buf.length, size - done));
                if (r < 0) throw new StaleException(name, "shrank while read");
                out.write(buf, 0, r);
                done += r;
            }
        } catch (FileSystemException e) {
            throw new StaleException(name, e.getMessage());
        }
    }
}
