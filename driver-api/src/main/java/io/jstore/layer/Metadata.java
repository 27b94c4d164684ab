package io.jstore.layer;

import io.jstore.linux.Fd;
import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.SyscallException;
import io.jstore.linux.Xattrs;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one implementation of "give this inode its owner, mode, xattrs and times", shared by
 * {@link TreeCopy} and the layer applier so both restore a rootfs the same way.
 *
 * <p>The order is a kernel rule, not taste: {@code chown} clears setuid/setgid and drops
 * {@code security.capability}, so ownership goes first, then the mode, then the xattrs; the
 * times go last because every other change bumps ctime and some filesystems touch mtime.
 */
final class Metadata {
    private Metadata() {}

    /** What a rootfs entry carries beyond its type and content. */
    record Attributes(int type, int permissions, int uid, int gid,
                      long atimeNanos, long mtimeNanos, Map<String, byte[]> xattrs) {
        boolean isSymlink() {
            return type == FileStat.S_IFLNK;
        }
    }

    /** Reads the attributes of {@code path} (not following a final symlink), xattrs sorted by name. */
    static Attributes read(Path path, FileStat st) throws SyscallException {
        return new Attributes(st.type(), st.permissions(), st.uid(), st.gid(),
                st.atimeNanos(), st.mtimeNanos(), readXattrs(path));
    }

    /** Every xattr of the path itself, sorted by name so that writers stay deterministic. */
    static Map<String, byte[]> readXattrs(Path path) throws SyscallException {
        Map<String, byte[]> out = new TreeMap<>();
        for (String name : Xattrs.list(path)) {
            Xattrs.get(path, name).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    /** As {@link #readXattrs(Path)}, of an open file or directory. */
    static Map<String, byte[]> readXattrs(Fd fd) throws SyscallException {
        Map<String, byte[]> out = new TreeMap<>();
        for (String name : Xattrs.list(fd)) {
            Xattrs.get(fd, name).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    /**
     * Owner (unless {@code chown} is false, for rootless use), mode (never on a symlink: Linux
     * has none), then xattrs. Times are separate: see {@link #restoreTimes}.
     */
    static void restoreOwnerModeXattrs(Path path, Attributes a, boolean chown) throws SyscallException {
        if (chown) Inodes.lchown(path, a.uid(), a.gid());
        if (!a.isSymlink()) Inodes.chmod(path, a.permissions());
        for (Map.Entry<String, byte[]> x : a.xattrs().entrySet()) {
            Xattrs.set(path, x.getKey(), x.getValue());
        }
    }

    /** atime and mtime to the nanosecond, on the path itself. */
    static void restoreTimes(Path path, Attributes a) throws SyscallException {
        Inodes.setTimes(path, a.atimeNanos(), a.mtimeNanos());
    }

    /**
     * Everything, on a regular file open for writing, after its content (a write drops
     * {@code security.capability}): the same order as by path, with no name resolved again.
     */
    static void restore(Fd file, Attributes a, boolean chown) throws SyscallException {
        if (chown) Inodes.chown(file, a.uid(), a.gid());
        Inodes.chmod(file, a.permissions());
        for (Map.Entry<String, byte[]> x : a.xattrs().entrySet()) {
            Xattrs.set(file, x.getKey(), x.getValue());
        }
        Inodes.setTimes(file, a.atimeNanos(), a.mtimeNanos());
    }

    /**
     * Owner, mode (not of a symlink), xattrs of {@code name} in the open directory {@code dir},
     * by the *at calls that resolve only that one component and never follow it. Xattrs go by
     * {@code /proc/self/fd/N/name}: the magic link is a middle component (followed), the name
     * the final one (not followed), since symlinks and devices cannot be opened for fsetxattr.
     */
    static void restoreOwnerModeXattrs(Fd dir, String name, Attributes a, boolean chown) throws SyscallException {
        if (chown) Inodes.lchown(dir, name, a.uid(), a.gid());
        if (!a.isSymlink()) Inodes.chmod(dir, name, a.permissions());
        if (a.xattrs().isEmpty()) return;
        Path p = dir.procPath().resolve(name);
        for (Map.Entry<String, byte[]> x : a.xattrs().entrySet()) {
            Xattrs.set(p, x.getKey(), x.getValue());
        }
    }

    /** Everything, on {@code name} in the open directory {@code dir}, for an entry with no children to come. */
    static void restore(Fd dir, String name, Attributes a, boolean chown) throws SyscallException {
        restoreOwnerModeXattrs(dir, name, a, chown);
        Inodes.setTimes(dir, name, a.atimeNanos(), a.mtimeNanos());
    }

    /** Everything, for entries that have no children still to come. */
    static void restore(Path path, Attributes a, boolean chown) throws SyscallException {
        restoreOwnerModeXattrs(path, a, chown);
        restoreTimes(path, a);
    }
}
