package io.jstore.layer;

import io.jstore.linux.FileStat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an OCI layer: entries read from a tree on disk, whiteouts, opaque markers, as one
 * deterministic PAX tar (the same trees give the same bytes). Callers add entries parents
 * first. A file whose inode was already written becomes a tar hardlink to that first name;
 * {@link #linkToExisting} names inodes the target already holds (a link to a lower file).
 *
 * <p>Overlay's bookkeeping xattrs ({@code trusted.overlay.*}) are never written: they mean
 * nothing in a layer, and an opaque directory is said with {@link #opaque} instead.
 */
public final class LayerWriter implements AutoCloseable {
    private static final int BUFFER = 1 << 20;
    private static final String OVERLAY_XATTRS = "trusted.overlay.";

    private final OutputStream stream;
    private final TarWriter tar;
    private final Map<TreeCopy.InodeKey, String> inodes = new HashMap<>();
    private final byte[] buf = new byte[BUFFER];
    private long entries;
    private long dataBytes;
    private boolean finished;

    /** Writes an uncompressed tar to {@code out}; {@link #close} ends the archive but leaves {@code out} open. */
    public LayerWriter(OutputStream out) {
        this.stream = new BufferedOutputStream(out, BUFFER);
        this.tar = new TarWriter(stream);
    }

    /** Writes every change: the entry at its path in {@code root} for A and C, a whiteout for D. */
    public void write(Path root, List<Change> changes) throws IOException {
        for (Change c : changes) {
            if (c.kind() == Change.Kind.DELETED) whiteout(c.path());
            else add(root, c.path());
        }
    }

    /**
     * Adds the entry at {@code path} (absolute within {@code root}) as it is on disk. Sockets
     * are skipped (no layer format carries them); returns whether an entry was written.
     */
    public boolean add(Path root, String path) throws IOException {
        Path file = resolve(root, path);
        FileStat st = FileStat.of(file);
        if (st.isSocket()) return false;
        String name = path.substring(1);
        Map<String, byte[]> xattrs = Metadata.readXattrs(file);
        xattrs.keySet().removeIf(k -> k.startsWith(OVERLAY_XATTRS));
        char type;
        String link = "";
        long size = 0;
        switch (st.type()) {
            case FileStat.S_IFDIR -> { type = TarEntry.DIRECTORY; name = name + "/"; }
            case FileStat.S_IFLNK -> { type = TarEntry.SYMLINK; link = Files.readSymbolicLink(file).toString(); }
            case FileStat.S_IFCHR -> type = TarEntry.CHAR_DEVICE;
            case FileStat.S_IFBLK -> type = TarEntry.BLOCK_DEVICE;
            case FileStat.S_IFIFO -> type = TarEntry.FIFO;
            default -> { type = TarEntry.REGULAR; size = st.size(); }
        }
        if (type != TarEntry.DIRECTORY && st.nlink() > 1) {
            TreeCopy.InodeKey key = new TreeCopy.InodeKey(st.devMajor(), st.devMinor(), st.ino());
            String first = inodes.putIfAbsent(key, name);
            if (first != null) {
                type = TarEntry.HARDLINK;
                link = first;
                size = 0;
            }
        }
        tar.header(new TarEntry(name, type, st.permissions(), st.uid(), st.gid(), size, st.mtimeNanos(), -1,
                link, st.rdevMajor(), st.rdevMinor(), xattrs));
        if (size > 0) content(file, path, size);
        entries++;
        return true;
    }

    /** Declares that the target already holds {@code st}'s inode at {@code path}: later names of it become hardlinks there. */
    public void linkToExisting(FileStat st, String path) {
        inodes.putIfAbsent(new TreeCopy.InodeKey(st.devMajor(), st.devMinor(), st.ino()), path.substring(1));
    }

    /** Marks {@code path} deleted: an empty {@code .wh.NAME} entry in its parent. */
    public void whiteout(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        marker(path.substring(1, slash + 1) + ".wh." + path.substring(slash + 1));
    }

    /** Marks directory {@code dir} opaque: nothing of the layers below shows through it. Write it after the dir's own entry. */
    public void opaque(String dir) throws IOException {
        marker((dir.equals("/") ? "" : dir.substring(1) + "/") + ".wh..wh..opq");
    }

    /** Entries written so far (markers included). */
    public long entries() {
        return entries;
    }

    /** Regular-file data bytes written so far. */
    public long dataBytes() {
        return dataBytes;
    }

    private void marker(String name) throws IOException {
        tar.header(new TarEntry(name, TarEntry.REGULAR, 0, 0, 0, 0, 0, -1, "", 0, 0, Map.of()));
        entries++;
    }

    private void content(Path file, String path, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long left = size;
            while (left > 0) {
                int n = ch.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, left)));
                if (n < 0) throw new LayerFormatException(path, "file shrank while being written to the layer");
                tar.data(buf, 0, n);
                left -= n;
            }
            dataBytes += size;
        }
    }

    private static Path resolve(Path root, String path) {
        if (!path.startsWith("/")) throw new IllegalArgumentException("layer path must be absolute: " + path);
        return path.equals("/") ? root : root.resolve(path.substring(1));
    }

    /** Ends the archive (two zero blocks) and flushes; the underlying stream stays open. */
    @Override
    public void close() throws IOException {
        if (finished) return;
        finished = true;
        tar.finish();
        stream.flush();
    }
}
