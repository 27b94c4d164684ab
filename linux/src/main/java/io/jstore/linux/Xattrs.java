package io.jstore.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Extended attributes of a path itself (the {@code l*xattr} calls: symlinks are not followed),
 * in every namespace ({@code user.}, {@code trusted.}, {@code security.}, {@code system.}),
 * with binary values.
 */
public final class Xattrs {
    private Xattrs() {}

    private static final int XATTR_SIZE_MAX = 65536;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /** All attribute names, in the order the filesystem lists them. */
    public static List<String> list(Path path) throws SyscallException {
        String p = path.toString();
        for (int size = 256; ; size = Math.min(size * 4, XATTR_SIZE_MAX)) {
            byte[] buf = new byte[size];
            long n = Library.LIBC.llistxattr(p, buf, size);
            if (n >= 0) return splitNames(buf, (int) n);
            int errno = Library.errno();
            if (errno == Errno.ERANGE && size < XATTR_SIZE_MAX) continue;
            if (errno == Errno.EOPNOTSUPP) return List.of();
            throw SyscallException.of("llistxattr", errno, path);
        }
    }

    private static volatile boolean noListxattrat;

    /**
     * The attribute names of {@code name} in directory {@code dir}, not following it if it is a
     * symlink: {@code listxattrat(2)} (Linux 6.13), so only one component is resolved, where
     * {@link #list(Path)} walks the whole path again. Older kernels get {@code llistxattr} of
     * {@code /proc/self/fd/N/name}: the magic link is a middle component, so it is followed,
     * and the final name still is not.
     */
    public static List<String> list(Fd dir, String name) throws SyscallException {
        if (noListxattrat) return listThroughProc(dir, name);
        for (int size = 256; ; size = Math.min(size * 4, XATTR_SIZE_MAX)) {
            byte[] buf = new byte[size];
            long n = Library.LIBC.syscall(Library.SYS_LISTXATTRAT, dir.number(), name, AT_SYMLINK_NOFOLLOW, buf, size);
            if (n >= 0) return splitNames(buf, (int) n);
            int errno = Library.errno();
            if (errno == Errno.ERANGE && size < XATTR_SIZE_MAX) continue;
            if (errno == Errno.EOPNOTSUPP) return List.of();
            if (errno == Errno.ENOSYS) {
                noListxattrat = true;
                return listThroughProc(dir, name);
            }
            throw SyscallException.of("listxattrat", errno, dir.description() + "/" + name);
        }
    }

    static List<String> listThroughProc(Fd dir, String name) throws SyscallException {
        return list(dir.procPath().resolve(name));
    }

    /** The value, or empty when the attribute is not set. */
    public static Optional<byte[]> get(Path path, String name) throws SyscallException {
        String p = path.toString();
        for (int size = 256; ; size = Math.min(size * 4, XATTR_SIZE_MAX)) {
            byte[] buf = new byte[size];
            long n = Library.LIBC.lgetxattr(p, name, buf, size);
            if (n >= 0) return Optional.of(java.util.Arrays.copyOf(buf, (int) n));
            int errno = Library.errno();
            if (errno == Errno.ERANGE && size < XATTR_SIZE_MAX) continue;
            if (errno == Errno.ENODATA) return Optional.empty();
            throw SyscallException.of("lgetxattr(" + name + ")", errno, path);
        }
    }

    /**
     * All attribute names of an open file or directory ({@code flistxattr}). Symlinks and
     * devices cannot be opened for this; name those by path ({@link #list(Path)}), never as
     * {@code /proc/self/fd/N}, whose {@code l*} calls see the magic link itself.
     */
    public static List<String> list(Fd fd) throws SyscallException {
        for (int size = 256; ; size = Math.min(size * 4, XATTR_SIZE_MAX)) {
            byte[] buf = new byte[size];
            long n = Library.LIBC.flistxattr(fd.number(), buf, size);
            if (n >= 0) return splitNames(buf, (int) n);
            int errno = Library.errno();
            if (errno == Errno.ERANGE && size < XATTR_SIZE_MAX) continue;
            if (errno == Errno.EOPNOTSUPP) return List.of();
            throw SyscallException.of("flistxattr", errno, fd.description());
        }
    }

    /** The value on an open file or directory ({@code fgetxattr}), or empty when it is not set. */
    public static Optional<byte[]> get(Fd fd, String name) throws SyscallException {
        for (int size = 256; ; size = Math.min(size * 4, XATTR_SIZE_MAX)) {
            byte[] buf = new byte[size];
            long n = Library.LIBC.fgetxattr(fd.number(), name, buf, size);
            if (n >= 0) return Optional.of(java.util.Arrays.copyOf(buf, (int) n));
            int errno = Library.errno();
            if (errno == Errno.ERANGE && size < XATTR_SIZE_MAX) continue;
            if (errno == Errno.ENODATA) return Optional.empty();
            throw SyscallException.of("fgetxattr(" + name + ")", errno, fd.description());
        }
    }

    public static void set(Path path, String name, byte[] value) throws SyscallException {
        if (Library.LIBC.lsetxattr(path.toString(), name, value, value.length, 0) != 0) {
            throw SyscallException.last("lsetxattr(" + name + ")", path);
        }
    }

    /**
     * {@code fsetxattr} on an open file. Unlike {@link #set(Path, String, byte[])} through a
     * {@code /proc/self/fd/N} path, nothing is resolved, so the magic link is never in the way.
     */
    public static void set(Fd fd, String name, byte[] value) throws SyscallException {
        if (Library.LIBC.fsetxattr(fd.number(), name, value, value.length, 0) != 0) {
            throw SyscallException.last("fsetxattr(" + name + ")", fd.description());
        }
    }

    /** Removes the attribute; absent is not an error. */
    public static void remove(Path path, String name) throws SyscallException {
        if (Library.LIBC.lremovexattr(path.toString(), name) != 0) {
            int errno = Library.errno();
            if (errno != Errno.ENODATA) throw SyscallException.of("lremovexattr(" + name + ")", errno, path);
        }
    }

    private static List<String> splitNames(byte[] buf, int len) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (buf[i] == 0) {
                if (i > start) names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }
}
