package io.jstore.driver.support;

import io.jstore.driver.DriverException;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * The one place a driver's low-level failure becomes a typed {@link DriverException}. Full
 * filesystems are recognised whichever API hit them: our syscalls throw
 * {@link SyscallException.NoSpaceException}, while {@code java.nio.file} throws a plain
 * {@link FileSystemException} whose reason is the C library's text for ENOSPC or EDQUOT.
 */
public final class Failures {
    private Failures() {}

    /** strerror(3) texts of ENOSPC and EDQUOT, as the JDK puts them into its exceptions. */
    private static final String[] NO_SPACE = {"No space left on device", "Disk quota exceeded"};
    private static final String QUOTA = "Disk quota exceeded";

    /** Whether {@code t} or one of its causes or suppressed exceptions is ENOSPC/EDQUOT. */
    public static boolean isNoSpace(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DriverException.NoSpaceException || c instanceof SyscallException.NoSpaceException) return true;
            if (c instanceof FileSystemException fse && fse.getReason() != null) {
                for (String s : NO_SPACE) if (fse.getReason().contains(s)) return true;
            }
            if (c instanceof IOException && c.getMessage() != null) {
                for (String s : NO_SPACE) if (c.getMessage().contains(s)) return true;
            }
            for (Throwable s : c.getSuppressed()) if (isNoSpace(s)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /** Whether {@code t} or one of its causes or suppressed exceptions is EDQUOT. */
    static boolean isQuota(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DriverException.QuotaExceededException) return true;
            if (c instanceof SyscallException s && s.errno() == io.jstore.linux.Errno.EDQUOT) return true;
            if (c instanceof FileSystemException fse && fse.getReason() != null && fse.getReason().contains(QUOTA)) return true;
            if (c instanceof IOException && c.getMessage() != null && c.getMessage().contains(QUOTA)) return true;
            for (Throwable s : c.getSuppressed()) if (isQuota(s)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /**
     * {@code e} as a DriverException naming the driver, operation, layer and path: a
     * DriverException as it is, a full filesystem as {@link DriverException.NoSpaceException},
     * a full quota as {@link DriverException.QuotaExceededException}.
     */
    public static DriverException map(String driver, String op, String layer, Path path, IOException e) {
        if (e instanceof DriverException d) return d;
        if (isNoSpace(e)) {
            String at = driver + ": " + op + " " + layer + (path == null ? "" : " at " + path);
            if (isQuota(e)) {
                return new DriverException.QuotaExceededException(at + ": quota exceeded (EDQUOT), the layer's size limit: "
                        + e.getMessage(), layer, path, e);
            }
            return new DriverException.NoSpaceException(at + ": no space left (ENOSPC): " + e.getMessage(), layer, path, e);
        }
        return DriverException.wrap(driver, op, layer, path, e);
    }
}
