package io.jstore.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A failed system call: which call, which errno, on which path(s). The message reads the way
 * an operator wants it in a log line: {@code mount(overlay -> /x/merged): EINVAL (Invalid argument)}.
 *
 * <p>Instances are made in one place, {@link #of}, which picks the subclass for the errno, so
 * callers catch {@link NoSpaceException} rather than compare integers.
 */
public class SyscallException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final List<String> paths;

    protected SyscallException(String call, int errno, List<String> paths) {
        this(call, errno, paths, null);
    }

    protected SyscallException(String call, int errno, List<String> paths, String detail) {
        super(format(call, errno, paths) + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.call = call;
        this.errno = errno;
        this.paths = List.copyOf(paths);
    }

    /** The one choke point that turns an errno into a typed exception. */
    public static SyscallException of(String call, int errno, Object... paths) {
        return withDetail(call, errno, null, paths);
    }

    /** As {@link #of}, with what the kernel said beyond the errno (the fs-context log). */
    public static SyscallException withDetail(String call, int errno, String detail, Object... paths) {
        List<String> names = java.util.Arrays.stream(paths).map(String::valueOf).collect(Collectors.toList());
        return switch (Errno.name(errno)) {
            case "ENOSPC", "EDQUOT" -> new NoSpaceException(call, errno, names, detail);
            case "EBUSY" -> new BusyException(call, errno, names, detail);
            case "ENOENT" -> new NotFoundException(call, errno, names, detail);
            case "EEXIST", "ENOTEMPTY" -> new ExistsException(call, errno, names, detail);
            case "EPERM", "EACCES" -> new PermissionException(call, errno, names, detail);
            case "ENOSYS", "EOPNOTSUPP", "ENOTSUP", "ENOTTY", "EXDEV" -> new NotSupportedException(call, errno, names, detail);
            default -> new SyscallException(call, errno, names, detail);
        };
    }

    /** Throws for the current errno of the calling thread. */
    static SyscallException last(String call, Object... paths) {
        return of(call, Library.errno(), paths);
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }

    public List<Path> paths() {
        return paths.stream().map(Path::of).toList();
    }

    public boolean is(int expected) {
        return errno == expected;
    }

    private static String format(String call, int errno, List<String> paths) {
        String where = paths.isEmpty() ? "" : "(" + String.join(" -> ", paths) + ")";
        return call + where + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")";
    }

    /** ENOSPC or EDQUOT: the filesystem or a quota is full. */
    public static final class NoSpaceException extends SyscallException {
        private static final long serialVersionUID = 1L;
        NoSpaceException(String call, int errno, List<String> paths, String detail) {
            super(call, errno, paths, detail);
        }
    }

    /** EBUSY: something is still mounted, open or attached. */
    public static final class BusyException extends SyscallException {
        private static final long serialVersionUID = 1L;
        BusyException(String call, int errno, List<String> paths, String detail) {
            super(call, errno, paths, detail);
        }
    }

    /** ENOENT. */
    public static final class NotFoundException extends SyscallException {
        private static final long serialVersionUID = 1L;
        NotFoundException(String call, int errno, List<String> paths, String detail) {
            super(call, errno, paths, detail);
        }
    }

    /** EEXIST or ENOTEMPTY. */
    public static final class ExistsException extends SyscallException {
        private static final long serialVersionUID = 1L;
        ExistsException(String call, int errno, List<String> paths, String detail) {
            super(call, errno, paths, detail);
        }
    }

    /** EPERM or EACCES. */
    public static final class PermissionException extends SyscallException {
        private static final long serialVersionUID = 1L;
        PermissionException(String call, int errno, List<String> paths, String detail) {
            super(call, errno, paths, detail);
        }
    }

    /** The kernel or filesystem lacks the feature: ENOSYS, EOPNOTSUPP, ENOTTY, EXDEV. */
    public static final class NotSupportedException extends SyscallException {
        private static final long serialVersionUID = 1L;
        NotSupportedException(String call, int errno, List<String> paths, String detail) {
            super(call, errno, paths, detail);
        }
    }
}
