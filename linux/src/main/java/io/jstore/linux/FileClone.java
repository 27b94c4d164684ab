package io.jstore.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copying file contents the way the filesystem does it best: {@code FICLONE} shares extents
 * (xfs with reflink, btrfs), {@code copy_file_range} lets the kernel copy without a round
 * trip through user space, and {@code SEEK_DATA}/{@code SEEK_HOLE} find what of a sparse file
 * is really there.
 */
public final class FileClone {
    private FileClone() {}

    private static final long FICLONE = 0x40049409L;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    /** Makes {@code dst} share all of {@code src}'s extents. Throws NotSupportedException where the fs cannot. */
    public static void clone(Fd src, Fd dst) throws SyscallException {
        if (Library.LIBC.ioctl(dst.number(), FICLONE, src.number()) != 0) {
            throw SyscallException.last("ioctl(FICLONE)", src.description(), dst.description());
        }
    }

    /**
     * Copies {@code length} bytes from the current offsets with {@code copy_file_range}, or
     * with read/write where the kernel refuses that between the two files (since 5.19 it
     * refuses EXDEV between filesystems of different types, e.g. ext4 to xfs).
     * Returns the bytes copied, which is less than asked only at end of input.
     */
    public static long copyRange(Fd src, Fd dst, long length) throws SyscallException {
        long done = 0;
        while (done < length) {
            long n = Library.LIBC.copy_file_range(src.number(), null, dst.number(), null,
                    Math.min(length - done, 1L << 30), 0);
            if (n < 0) {
                int errno = Library.errno();
                if (errno == Errno.EINTR) continue;
                if (done == 0 && (errno == Errno.EXDEV || errno == Errno.ENOSYS || errno == Errno.EOPNOTSUPP)) {
                    return readWrite(src, dst, length);
                }
                throw SyscallException.of("copy_file_range", errno, src.description(), dst.description());
            }
            if (n == 0) break;
            done += n;
        }
        return done;
    }

    private static long readWrite(Fd src, Fd dst, long length) throws SyscallException {
        byte[] buf = new byte[1 << 20];
        long done = 0;
        while (done < length) {
            long n = Library.LIBC.read(src.number(), buf, Math.min(buf.length, length - done));
            if (n < 0) {
                if (Library.errno() == Errno.EINTR) continue;
                throw SyscallException.last("read", src.description());
            }
            if (n == 0) break;
            byte[] chunk = n == buf.length ? buf : java.util.Arrays.copyOf(buf, (int) n);
            long written = 0;
            while (written < n) {
                byte[] rest = written == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, (int) written, (int) n);
                long w = Library.LIBC.write(dst.number(), rest, n - written);
                if (w < 0) {
                    if (Library.errno() == Errno.EINTR) continue;
                    throw SyscallException.last("write", dst.description());
                }
                written += w;
            }
            done += n;
        }
        return done;
    }

    /**
     * Copies a whole regular file: a clone where the filesystem shares extents, else a kernel
     * copy of each data segment so that holes stay holes. {@code dst} must be empty.
     * Returns true when the copy is a clone.
     */
    public static boolean copy(Fd src, Fd dst, long size) throws SyscallException {
        try {
            clone(src, dst);
            return true;
        } catch (SyscallException.NotSupportedException e) {
            // fall through to a real copy: ext4, tmpfs, different filesystems (EXDEV)
        } catch (SyscallException e) {
            if (e.errno() != Errno.EINVAL) throw e;
        }
        for (long[] seg : dataSegments(src, size)) {
            seek(src, seg[0]);
            seek(dst, seg[0]);
            copyRange(src, dst, seg[1] - seg[0]);
        }
        truncate(dst, size);
        return false;
    }

    /** Data segments of the file as {@code [start, end)} pairs; one segment where the fs cannot tell. */
    public static List<long[]> dataSegments(Fd fd, long size) throws SyscallException {
        List<long[]> out = new ArrayList<>();
        long pos = 0;
        while (pos < size) {
            long data = Library.LIBC.lseek(fd.number(), pos, SEEK_DATA);
            if (data < 0) {
                int errno = Library.errno();
                if (errno == ENXIO) break; // only a hole remains
                if (errno == Errno.EINVAL) return List.of(new long[] {pos, size});
                throw SyscallException.of("lseek(SEEK_DATA)", errno, fd.description());
            }
            long hole = Library.LIBC.lseek(fd.number(), data, SEEK_HOLE);
            if (hole < 0) throw SyscallException.last("lseek(SEEK_HOLE)", fd.description());
            out.add(new long[] {data, Math.min(hole, size)});
            pos = hole;
        }
        seek(fd, 0);
        return out;
    }

    public static void seek(Fd fd, long offset) throws SyscallException {
        if (Library.LIBC.lseek(fd.number(), offset, 0) < 0) throw SyscallException.last("lseek", fd.description());
    }

    public static void truncate(Fd fd, long size) throws SyscallException {
        if (Library.LIBC.ftruncate(fd.number(), size) != 0) throw SyscallException.last("ftruncate", fd.description());
    }

    /** Convenience: copies {@code src} to a new file {@code dst} created with {@code mode}. */
    public static boolean copy(Path src, Path dst, int mode) throws SyscallException {
        try (Fd in = Fd.open(src, Fd.O_RDONLY | Fd.O_NOFOLLOW);
             Fd out = Fd.open(dst, Fd.O_WRONLY | Fd.O_CREAT | Fd.O_EXCL | Fd.O_NOFOLLOW, mode)) {
            return copy(in, out, FileStat.of(src).size());
        }
    }
}
