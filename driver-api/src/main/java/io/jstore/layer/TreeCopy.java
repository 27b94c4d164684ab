package io.jstore.layer;

import io.jstore.linux.Fd;
import io.jstore.linux.FileClone;
import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A full copy of a directory tree that keeps everything a root filesystem holds: regular files
 * (sharing extents with {@code FICLONE} where the filesystem can, else {@code copy_file_range}
 * segment by segment so holes stay holes), directories, symlinks, hardlink groups, character
 * and block devices (overlay's 0/0 whiteouts included), fifos and sockets, numeric owner, mode
 * with setuid/setgid/sticky, every xattr ({@code trusted.*}, {@code security.capability}) and
 * atime/mtime to the nanosecond, directory times set after their children.
 *
 * <p>The vfs driver makes every child layer with it. Both trees are trusted (they belong to
 * the store), so plain paths are used; untrusted input goes through {@link Layers#apply}.
 */
public final class TreeCopy {
    private TreeCopy() {}

    /**
     * What a copy did.
     *
     * @param entries     inodes and names made below {@code dst} (the root itself not counted)
     * @param bytes       regular-file bytes copied, by apparent size (hardlinks counted once)
     * @param clonedBytes of those, the bytes that share extents with the source
     */
    public record Result(long entries, long bytes, long clonedBytes) {}

    /**
     * Copies the tree at {@code src} to {@code dst}, which must not exist or be an empty
     * directory; its root gets {@code src}'s owner, mode, xattrs and times.
     */
    public static Result copy(Path src, Path dst) throws IOException {
        FileStat rootStat = FileStat.of(src);
        if (!rootStat.isDirectory()) throw new java.nio.file.NotDirectoryException(src.toString());
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dst)) {
                if (s.iterator().hasNext()) throw new DirectoryNotEmptyException(dst.toString());
            }
        } else {
            Files.createDirectory(dst);
        }
        Copier c = new Copier();
        c.directory(src, dst, rootStat);
        return new Result(c.entries, c.bytes, c.cloned);
    }

    /** Copies one non-directory entry with its metadata: overlay's copy-up of a hardlink's lower target. */
    static void copyEntry(Path src, Path dst) throws IOException {
        new Copier().entry(src, dst);
    }

    private static final class Copier {
        private final Map<InodeKey, Path> linked = new HashMap<>();
        long entries;
        long bytes;
        long cloned;

        void directory(Path src, Path dst, FileStat st) throws IOException {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(src)) {
                for (Path p : s) children.add(p);
            }
            for (Path child : children) {
                entry(child, dst.resolve(child.getFileName().toString()));
            }
            Metadata.restore(dst, Metadata.read(src, st), true);
        }

        private void entry(Path src, Path dst) throws IOException {
            FileStat st = FileStat.of(src);
            entries++;
            if (!st.isDirectory() && st.nlink() > 1) {
                InodeKey key = new InodeKey(st.devMajor(), st.devMinor(), st.ino());
                Path first = linked.putIfAbsent(key, dst);
                if (first != null) {
                    Files.createLink(dst, first);
                    return;
                }
            }
            switch (st.type()) {
                case FileStat.S_IFDIR -> {
                    Files.createDirectory(dst);
                    directory(src, dst, st);
                    return;
                }
                case FileStat.S_IFREG -> regular(src, dst, st);
                case FileStat.S_IFLNK -> Files.createSymbolicLink(dst, Files.readSymbolicLink(src));
                default -> Inodes.mknod(dst, st.type(), 0600, st.rdevMajor(), st.rdevMinor());
            }
            Metadata.restore(dst, Metadata.read(src, st), true);
        }

        private void regular(Path src, Path dst, FileStat st) throws IOException {
            try (Fd in = Fd.open(src, Fd.O_RDONLY | Fd.O_NOFOLLOW);
                 Fd out = Fd.open(dst, Fd.O_WRONLY | Fd.O_CREAT | Fd.O_EXCL | Fd.O_NOFOLLOW, 0600)) {
                boolean clone = FileClone.copy(in, out, st.size());
                bytes += st.size();
                if (clone) cloned += st.size();
            }
        }
    }

    /** Identifies an inode across the tree, for hardlink groups. */
    record InodeKey(int devMajor, int devMinor, long ino) {}
}
