package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * What {@code statx(2)} says of a path, without following a final symlink. Times are
 * nanoseconds since the epoch, device numbers are split into major and minor.
 */
public record FileStat(
        int mode, int uid, int gid, long nlink, long size, long blocks, long ino,
        int devMajor, int devMinor, int rdevMajor, int rdevMinor,
        long atimeNanos, long mtimeNanos, long ctimeNanos) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BASIC_STATS = 0x7ff;

    /** {@code lstat}: the path itself, never what a symlink points to. */
    public static FileStat of(Path path) throws SyscallException {
        return at(Fd.AT_FDCWD, path.toString(), path);
    }

    /** {@code lstat} of {@code name} in directory {@code dir}: no path above it is resolved again. */
    public static FileStat of(Fd dir, String name) throws SyscallException {
        byte[] buf = new byte[256];
        if (Library.LIBC.statx(dir.number(), name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf) != 0) {
            throw SyscallException.last("statx", dir.description() + "/" + name);
        }
        return decode(buf);
    }

    /** Like {@link #of} but empty-handed for ENOENT. */
    public static FileStat ofOrNull(Path path) throws SyscallException {
        byte[] buf = new byte[256];
        if (Library.LIBC.statx(Fd.AT_FDCWD, path.toString(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf) != 0) {
            int errno = Library.errno();
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) return null;
            throw SyscallException.of("statx", errno, path);
        }
        return decode(buf);
    }

    /** As {@link #of(Fd, String)} but empty-handed for ENOENT. */
    public static FileStat ofOrNull(Fd dir, String name) throws SyscallException {
        byte[] buf = new byte[256];
        if (Library.LIBC.statx(dir.number(), name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf) != 0) {
            int errno = Library.errno();
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) return null;
            throw SyscallException.of("statx", errno, dir.description() + "/" + name);
        }
        return decode(buf);
    }

    static FileStat at(int dirfd, String name, Object forMessage) throws SyscallException {
        byte[] buf = new byte[256];
        if (Library.LIBC.statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf) != 0) {
            throw SyscallException.last("statx", forMessage);
        }
        return decode(buf);
    }

    private static FileStat decode(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new FileStat(
                b.getShort(28) & 0xffff,
                b.getInt(20), b.getInt(24),
                b.getInt(16) & 0xffffffffL,
                b.getLong(40), b.getLong(48), b.getLong(32),
                b.getInt(136), b.getInt(140), b.getInt(128), b.getInt(132),
                nanos(b, 64), nanos(b, 112), nanos(b, 96));
    }

    private static long nanos(ByteBuffer b, int at) {
        return b.getLong(at) * 1_000_000_000L + (b.getInt(at + 8) & 0xffffffffL);
    }

    public int type() {
        return mode & S_IFMT;
    }

    /** Permission bits with setuid, setgid and sticky. */
    public int permissions() {
        return mode & 07777;
    }

    public boolean isDirectory() { return type() == S_IFDIR; }
    public boolean isRegularFile() { return type() == S_IFREG; }
    public boolean isSymlink() { return type() == S_IFLNK; }
    public boolean isCharDevice() { return type() == S_IFCHR; }
    public boolean isBlockDevice() { return type() == S_IFBLK; }
    public boolean isFifo() { return type() == S_IFIFO; }
    public boolean isSocket() { return type() == S_IFSOCK; }

    /** Overlayfs marks a deleted name with a character device 0/0. */
    public boolean isWhiteout() {
        return isCharDevice() && rdevMajor == 0 && rdevMinor == 0;
    }
}
