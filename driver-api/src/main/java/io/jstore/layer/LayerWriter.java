package io.jstore.layer;

import io.jstore.linux.Fd;
import io.jstore.linux.FileStat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
    private static final String OVERLAY_XATTRS = "trusted.overlay.";

    private final LayerOutput stream;
    private final TarWriter tar;
    private final Map<TreeCopy.InodeKey, String> inodes = new HashMap<>();
    private long entries;
    private long dataBytes;
    private boolean finished;
    private Fd cursor;
    private Path cursorRoot;
    private String cursorPath;

    /** Writes an uncompressed tar to {@code out}; {@link #close} ends the archive but leaves {@code out} open. */
    public LayerWriter(OutputStream out) {
        this.stream = new LayerOutput(out);
        this.tar = new TarWriter(stream);
    }

    /** Writes every change: the entry at its path in {@code root} for A and C, a whiteout for D. */
    public void write(Path root, List<Change> changes) throws IOException {
        for (Change c : changes) {
            if (c.kind() == Change.Kind.DELETED) whiteout(c.path());
            else add(root, c.path());
        }
    }

    /** As {@link #write(Path, List)}, with each change's stat from the walk that found it (null for D). */
    void write(Path root, List<Change> changes, List<FileStat> stats) throws IOException {
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            if (c.kind() == Change.Kind.DELETED) whiteout(c.path());
            else add(root, c.path(), stats.get(i));
        }
    }

    /**
     * Adds the entry at {@code path} (absolute within {@code root}) as it is on disk. Sockets
     * are skipped (no layer format carries them); returns whether an entry was written.
     */
    public boolean add(Path root, String path) throws IOException {
        return add(root, path, FileStat.of(resolve(root, path)));
    }

    /**
     * As {@link #add(Path, String)}, with the entry's stat already taken. Directories and
     * regular files are read through descriptors (xattrs by {@code flistxattr}, a file opened
     * relative to its open parent), so no path is resolved per file; symlinks, devices and
     * fifos cannot be opened for that and are named by path.
     */
    boolean add(Path root, String path, FileStat st) throws IOException {
        if (st.isSocket()) return false;
        String name = path.substring(1);
        Fd file = null;
        try {
            Map<String, byte[]> xattrs;
            char type;
            String link = "";
            long size = 0;
            switch (st.type()) {
                case FileStat.S_IFDIR -> {
                    type = TarEntry.DIRECTORY;
                    name = name + "/";
                    xattrs = Metadata.readXattrs(directory(root, path));
                }
                case FileStat.S_IFREG -> {
                    type = TarEntry.REGULAR;
                    size = st.size();
                    int slash = path.lastIndexOf('/');
                    file = directory(root, path.substring(0, slash)).openAt(path.substring(slash + 1), Fd.O_RDONLY | Fd.O_NOFOLLOW, 0);
                    xattrs = Metadata.readXattrs(file);
                }
                default -> {
                    Path p = resolve(root, path);
                    xattrs = Metadata.readXattrs(p);
                    type = switch (st.type()) {
                        case FileStat.S_IFLNK -> TarEntry.SYMLINK;
                        case FileStat.S_IFCHR -> TarEntry.CHAR_DEVICE;
                        case FileStat.S_IFBLK -> TarEntry.BLOCK_DEVICE;
                        default -> TarEntry.FIFO;
                    };
                    if (type == TarEntry.SYMLINK) link = Files.readSymbolicLink(p).toString();
                }
            }
            xattrs.keySet().removeIf(k -> k.startsWith(OVERLAY_XATTRS));
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
        } finally {
            if (file != null) file.close();
        }
        entries++;
        return true;
    }

    /**
     * The directory {@code dir} (absolute within {@code root}, "" or "/" for the root) open;
     * entries come parents first and siblings together, so one open serves a run of them.
     */
    private Fd directory(Path root, String dir) throws IOException {
        String key = dir.equals("/") ? "" : dir;
        if (cursor != null && key.equals(cursorPath) && root.equals(cursorRoot)) return cursor;
        Fd d = Fd.open(resolve(root, key.isEmpty() ? "/" : key), Fd.O_RDONLY | Fd.O_DIRECTORY | Fd.O_NOFOLLOW);
        if (cursor != null) cursor.close();
        cursor = d;
        cursorRoot = root;
        cursorPath = key;
        return d;
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

    private void content(Fd file, String path, long size) throws IOException {
        if (size >= LayerOutput.TRANSFER_MIN && stream.canTransfer()) {
            // the JDK sends file to file only between its own channels; reopening the descriptor makes one
            try (FileChannel ch = FileChannel.open(file.procPath(), StandardOpenOption.READ)) {
                for (long done = 0; done < size; ) {
                    long n = stream.transferFrom(ch, done, size - done);
                    if (n <= 0) throw shrank(path);
                    done += n;
                }
            }
        } else {
            for (long done = 0; done < size; ) {
                int n = stream.readFrom(file, size - done);
                if (n <= 0) throw shrank(path);
                done += n;
            }
        }
        tar.wrote(size);
        dataBytes += size;
    }

    private static LayerFormatException shrank(String path) {
        return new LayerFormatException(path, "file shrank while being written to the layer");
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
        if (cursor != null) cursor.close();
        tar.finish();
        stream.flush();
    }
}
