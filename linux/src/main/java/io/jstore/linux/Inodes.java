package io.jstore.linux;

import java.nio.file.Path;

/** Inode-level calls Java's file API lacks or that must not follow symlinks. */
public final class Inodes {
    private Inodes() {}

    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    public static final int RENAME_WHITEOUT = 4;

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /** {@code mknod}: {@code type} is one of S_IFCHR, S_IFBLK, S_IFIFO, S_IFREG, S_IFSOCK. */
    public static void mknod(Path path, int type, int permissions, int major, int minor) throws SyscallException {
        long dev = makedev(major, minor);
        if (Library.LIBC.mknodat(Fd.AT_FDCWD, path.toString(), type | (permissions & 07777), dev) != 0) {
            throw SyscallException.last("mknod", path);
        }
    }

    /** {@code mknodat}: {@code name} in directory {@code dir}, only that one component resolved. */
    public static void mknod(Fd dir, String name, int type, int permissions, int major, int minor) throws SyscallException {
        if (Library.LIBC.mknodat(dir.number(), name, type | (permissions & 07777), makedev(major, minor)) != 0) {
            throw SyscallException.last("mknodat", dir.description() + "/" + name);
        }
    }

    /** {@code mkdirat}: a directory {@code name} in {@code dir} (the umask applies, as to mkdir). */
    public static void mkdir(Fd dir, String name, int permissions) throws SyscallException {
        if (Library.LIBC.mkdirat(dir.number(), name, permissions & 07777) != 0) {
            throw SyscallException.last("mkdirat", dir.description() + "/" + name);
        }
    }

    /** {@code symlinkat}: a symlink {@code name} in {@code dir} whose content is {@code target}, never resolved. */
    public static void symlink(String target, Fd dir, String name) throws SyscallException {
        if (Library.LIBC.symlinkat(target, dir.number(), name) != 0) {
            throw SyscallException.last("symlinkat", dir.description() + "/" + name);
        }
    }

    /**
     * {@code linkat} without AT_SYMLINK_FOLLOW: a new name {@code to} in {@code toDir} for the
     * inode {@code from} names in {@code fromDir}; a symlink there is linked itself, not followed.
     */
    public static void link(Fd fromDir, String from, Fd toDir, String to) throws SyscallException {
        if (Library.LIBC.linkat(fromDir.number(), from, toDir.number(), to, 0) != 0) {
            throw SyscallException.last("linkat", fromDir.description() + "/" + from, toDir.description() + "/" + to);
        }
    }

    /** {@code fchownat} with AT_SYMLINK_NOFOLLOW: the owner of {@code name} in {@code dir} itself. */
    public static void lchown(Fd dir, String name, int uid, int gid) throws SyscallException {
        if (Library.LIBC.fchownat(dir.number(), name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
            throw SyscallException.last("fchownat", dir.description() + "/" + name);
        }
    }

    private static volatile boolean noFchmodat2;

    /**
     * The mode of {@code name} in {@code dir}, setuid/setgid/sticky included, by
     * {@code fchmodat2(AT_SYMLINK_NOFOLLOW)}: should a symlink have taken the name meanwhile,
     * the call fails (EOPNOTSUPP) instead of changing what it points to. Kernels before 6.6
     * get plain {@code fchmodat}, which follows.
     */
    public static void chmod(Fd dir, String name, int permissions) throws SyscallException {
        if (!noFchmodat2) {
            if (Library.LIBC.syscall(Library.SYS_FCHMODAT2, dir.number(), name, permissions & 07777, AT_SYMLINK_NOFOLLOW) == 0) return;
            int errno = Library.errno();
            if (errno != Errno.ENOSYS) throw SyscallException.of("fchmodat2", errno, dir.description() + "/" + name);
            noFchmodat2 = true;
        }
        if (Library.LIBC.fchmodat(dir.number(), name, permissions & 07777, 0) != 0) {
            throw SyscallException.last("fchmodat", dir.description() + "/" + name);
        }
    }

    /** {@code utimensat} with AT_SYMLINK_NOFOLLOW on {@code name} in {@code dir}, to the nanosecond. */
    public static void setTimes(Fd dir, String name, long atimeNanos, long mtimeNanos) throws SyscallException {
        if (Library.LIBC.utimensat(dir.number(), name, timespecs(atimeNanos, mtimeNanos), AT_SYMLINK_NOFOLLOW) != 0) {
            throw SyscallException.last("utimensat", dir.description() + "/" + name);
        }
    }

    /** The overlayfs whiteout: a character device 0/0. */
    public static void whiteout(Path path) throws SyscallException {
        mknod(path, FileStat.S_IFCHR, 0, 0, 0);
    }

    /** The overlayfs whiteout {@code name} in {@code dir}. */
    public static void whiteout(Fd dir, String name) throws SyscallException {
        mknod(dir, name, FileStat.S_IFCHR, 0, 0, 0);
    }

    public static void lchown(Path path, int uid, int gid) throws SyscallException {
        if (Library.LIBC.fchownat(Fd.AT_FDCWD, path.toString(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
            throw SyscallException.last("lchown", path);
        }
    }

    /** {@code fchown}: the owner of the open file itself, with no name to resolve again. */
    public static void chown(Fd fd, int uid, int gid) throws SyscallException {
        if (Library.LIBC.fchown(fd.number(), uid, gid) != 0) throw SyscallException.last("fchown", fd.description());
    }

    /** {@code fchmod}, including setuid/setgid/sticky: set it after {@link #chown(Fd, int, int)}, which clears them. */
    public static void chmod(Fd fd, int permissions) throws SyscallException {
        if (Library.LIBC.fchmod(fd.number(), permissions & 07777) != 0) throw SyscallException.last("fchmod", fd.description());
    }

    /** {@code futimens}: access and modification times of the open file, to the nanosecond. */
    public static void setTimes(Fd fd, long atimeNanos, long mtimeNanos) throws SyscallException {
        if (Library.LIBC.futimens(fd.number(), timespecs(atimeNanos, mtimeNanos)) != 0) {
            throw SyscallException.last("futimens", fd.description());
        }
    }

    /** chmod of a non-symlink (Linux has no mode on symlinks); includes setuid/setgid/sticky. */
    public static void chmod(Path path, int permissions) throws SyscallException {
        if (Library.LIBC.fchmodat(Fd.AT_FDCWD, path.toString(), permissions & 07777, 0) != 0) {
            throw SyscallException.last("chmod", path);
        }
    }

    /** Sets access and modification times to the nanosecond, on the path itself (never a symlink's target). */
    public static void setTimes(Path path, long atimeNanos, long mtimeNanos) throws SyscallException {
        if (Library.LIBC.utimensat(Fd.AT_FDCWD, path.toString(), timespecs(atimeNanos, mtimeNanos), AT_SYMLINK_NOFOLLOW) != 0) {
            throw SyscallException.last("utimensat", path);
        }
    }

    private static long[] timespecs(long atimeNanos, long mtimeNanos) {
        return new long[] {
            Math.floorDiv(atimeNanos, 1_000_000_000L), Math.floorMod(atimeNanos, 1_000_000_000L),
            Math.floorDiv(mtimeNanos, 1_000_000_000L), Math.floorMod(mtimeNanos, 1_000_000_000L)
        };
    }

    /** {@code renameat2} with RENAME_NOREPLACE, RENAME_EXCHANGE or 0. */
    public static void rename(Path from, Path to, int flags) throws SyscallException {
        if (Library.LIBC.renameat2(Fd.AT_FDCWD, from.toString(), Fd.AT_FDCWD, to.toString(), flags) != 0) {
            throw SyscallException.last("renameat2", from, to);
        }
    }

    static long makedev(int major, int minor) {
        long maj = major & 0xffffffffL;
        long min = minor & 0xffffffffL;
        return ((maj & 0xfffff000L) << 32) | ((maj & 0xfffL) << 8) | ((min & 0xffffff00L) << 12) | (min & 0xffL);
    }
}
