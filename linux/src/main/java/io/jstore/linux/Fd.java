package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An owned file descriptor. Closing it closes the descriptor once; the number is exposed for
 * {@code /proc/self/fd/N} paths and for the calls in this package that take descriptors.
 */
public final class Fd implements AutoCloseable {
    public static final int AT_FDCWD = -100;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;

    private static final int LOCK_EX = 2;
    private static final int LOCK_UN = 8;
    private static final int LOCK_NB = 4;
    private static final int DIRENT_BUFFER = 32 << 10;

    private final int fd;
    private final String what;
    private boolean closed;

    Fd(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /** {@code open(2)} with O_CLOEXEC added. */
    public static Fd open(Path path, int flags, int mode) throws SyscallException {
        int fd = Library.LIBC.open(path.toString(), flags | O_CLOEXEC, mode);
        if (fd < 0) throw SyscallException.last("open", path);
        return new Fd(fd, path.toString());
    }

    public static Fd open(Path path, int flags) throws SyscallException {
        return open(path, flags, 0);
    }

    /** {@code openat(2)} relative to this directory descriptor, O_CLOEXEC added. */
    public Fd openAt(String name, int flags, int mode) throws SyscallException {
        int child = Library.LIBC.openat(fd, name, flags | O_CLOEXEC, mode);
        if (child < 0) throw SyscallException.last("openat", what + "/" + name);
        return new Fd(child, what + "/" + name);
    }

    public int number() {
        return fd;
    }

    /** What was opened, for messages. */
    public String description() {
        return what;
    }

    /**
     * The magic-link path of this descriptor. Opening or naming a child through it resolves
     * the descriptor's own inode, not a path that a concurrent rename could redirect.
     */
    public Path procPath() {
        return Path.of("/proc/self/fd/" + fd);
    }

    /**
     * {@code flock(2)} LOCK_EX: blocks until this open file description holds the exclusive
     * lock. Unlike POSIX record locks it belongs to the descriptor, not the process, so two
     * threads with their own descriptors exclude each other, and closing another descriptor
     * of the same file does not drop it.
     */
    public void lockExclusive() throws SyscallException {
        while (Library.LIBC.flock(fd, LOCK_EX) != 0) {
            int errno = Library.errno();
            if (errno != Errno.EINTR) throw SyscallException.of("flock", errno, what);
        }
    }

    /** {@code flock(2)} LOCK_EX|LOCK_NB: true if this descriptor now holds the lock, false if another holds it. */
    public boolean tryLockExclusive() throws SyscallException {
        while (Library.LIBC.flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int errno = Library.errno();
            if (errno == Errno.EAGAIN) return false; // EWOULDBLOCK
            if (errno != Errno.EINTR) throw SyscallException.of("flock", errno, what);
        }
        return true;
    }

    /** {@code flock(2)} LOCK_UN; closing the descriptor releases the lock as well. */
    public void unlock() throws SyscallException {
        if (Library.LIBC.flock(fd, LOCK_UN) != 0) throw SyscallException.last("flock", what);
    }

    /** A directory entry as {@code getdents64} gives it: the name, {@code d_ino} and {@code d_type} (0 when unknown). */
    public record Entry(String name, long ino, int type) {}

    /**
     * The names in this directory ({@code getdents64}), without {@code .} and {@code ..}, in
     * the filesystem's order. Reads from the descriptor's current offset to the end.
     */
    public List<String> names() throws SyscallException {
        List<String> names = new ArrayList<>();
        for (Entry e : entries()) names.add(e.name());
        return names;
    }

    /**
     * As {@link #names()}, with each entry's inode number and type, which the directory holds
     * itself: no entry is looked up.
     */
    public List<Entry> entries() throws SyscallException {
        List<Entry> entries = new ArrayList<>();
        byte[] buf = new byte[DIRENT_BUFFER];
        ByteBuffer le = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        while (true) {
            long n = Library.LIBC.getdents64(fd, buf, buf.length);
            if (n < 0) {
                int errno = Library.errno();
                if (errno == Errno.EINTR) continue;
                throw SyscallException.of("getdents64", errno, what);
            }
            if (n == 0) return entries;
            // struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
            for (int off = 0; off < n; ) {
                int reclen = le.getShort(off + 16) & 0xffff;
                int start = off + 19;
                int end = start;
                while (end < off + reclen && buf[end] != 0) end++;
                int len = end - start;
                boolean dots = len == 1 && buf[start] == '.' || len == 2 && buf[start] == '.' && buf[start + 1] == '.';
                if (!dots) entries.add(new Entry(new String(buf, start, len, StandardCharsets.UTF_8), le.getLong(off), buf[off + 18] & 0xff));
                off += reclen;
            }
        }
    }

    /**
     * {@code read(2)} into a direct buffer, from its position up to its limit, retried on EINTR;
     * advances the position. Returns the bytes read, -1 at the end of the file.
     */
    public int read(ByteBuffer buf) throws SyscallException {
        if (!buf.isDirect()) throw new IllegalArgumentException("read needs a direct buffer");
        while (true) {
            long n = Library.LIBC.read(fd, buf, buf.remaining());
            if (n > 0) {
                buf.position(buf.position() + (int) n);
                return (int) n;
            }
            if (n == 0) return buf.hasRemaining() ? -1 : 0;
            int errno = Library.errno();
            if (errno != Errno.EINTR) throw SyscallException.of("read", errno, what);
        }
    }

    /**
     * {@code pwrite(2)} of all of {@code buf} (position to limit) at {@code offset}, retried on
     * short writes and EINTR; the buffer's position is left where it was.
     */
    public void write(ByteBuffer buf, long offset) throws SyscallException {
        int pos = buf.position();
        int done = 0;
        int len = buf.remaining();
        try {
            while (done < len) {
                buf.position(pos + done);
                long n = Library.LIBC.pwrite(fd, buf, len - done, offset + done);
                if (n < 0) {
                    int errno = Library.errno();
                    if (errno == Errno.EINTR) continue;
                    throw SyscallException.of("pwrite", errno, what);
                }
                done += (int) n;
            }
        } finally {
            buf.position(pos);
        }
    }

    /** {@code syncfs(2)}: writes back everything dirty on the filesystem this descriptor is on. */
    public void syncfs() throws SyscallException {
        if (Library.LIBC.syncfs(fd) != 0) throw SyscallException.last("syncfs", what);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Library.LIBC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + what + ")";
    }
}
