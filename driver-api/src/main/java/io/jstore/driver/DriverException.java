package io.jstore.driver;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A driver operation failed. The message names the driver, the layer and the path; the
 * cause, when the kernel refused something, is the {@link io.jstore.linux.SyscallException}
 * with the errno.
 */
public class DriverException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String layer;
    private final transient Path path;

    public DriverException(String message, String layer, Path path, Throwable cause) {
        super(message, cause);
        this.layer = layer;
        this.path = path;
    }

    public DriverException(String message, String layer, Path path) {
        this(message, layer, path, null);
    }

    /** Wraps a lower-level failure with the layer it happened to; keeps ENOSPC recognisable. */
    public static DriverException wrap(String driver, String op, String layer, Path path, IOException cause) {
        if (cause instanceof DriverException d) return d;
        String msg = driver + ": " + op + " " + layer + (path == null ? "" : " at " + path) + ": " + cause.getMessage();
        if (cause instanceof io.jstore.linux.SyscallException.NoSpaceException s) {
            return s.errno() == io.jstore.linux.Errno.EDQUOT
                    ? new QuotaExceededException(msg, layer, path, cause) : new NoSpaceException(msg, layer, path, cause);
        }
        return new DriverException(msg, layer, path, cause);
    }

    public String layer() {
        return layer;
    }

    public Path path() {
        return path;
    }

    public static final class NotFoundException extends DriverException {
        private static final long serialVersionUID = 1L;
        public NotFoundException(String driver, String layer) {
            super(driver + ": layer " + layer + " does not exist", layer, null);
        }
    }

    public static final class ExistsException extends DriverException {
        private static final long serialVersionUID = 1L;
        public ExistsException(String driver, String layer, Path path) {
            super(driver + ": layer " + layer + " already exists at " + path, layer, path);
        }
    }

    /** The layer is mounted or is the parent of another layer. */
    public static final class LayerInUseException extends DriverException {
        private static final long serialVersionUID = 1L;
        public LayerInUseException(String driver, String layer, String why) {
            super(driver + ": layer " + layer + " is in use: " + why, layer, null);
        }
    }

    public static final class InvalidIdException extends DriverException {
        private static final long serialVersionUID = 1L;
        public InvalidIdException(String layer, String why) {
            super("invalid layer id '" + layer + "': " + why, layer, null);
        }
    }

    /** ENOSPC or EDQUOT while writing a layer; the half-made layer has been removed. */
    public static sealed class NoSpaceException extends DriverException permits QuotaExceededException {
        private static final long serialVersionUID = 1L;
        public NoSpaceException(String message, String layer, Path path, Throwable cause) {
            super(message, layer, path, cause);
        }
    }

    /** EDQUOT: the write went past a quota (a layer's size limit), though the filesystem has room. */
    public static final class QuotaExceededException extends NoSpaceException {
        private static final long serialVersionUID = 1L;
        public QuotaExceededException(String message, String layer, Path path, Throwable cause) {
            super(message, layer, path, cause);
        }
    }

    /** The driver cannot run here; the message is the probe's reason. */
    public static final class UnsupportedException extends DriverException {
        private static final long serialVersionUID = 1L;
        public UnsupportedException(String driver, String why) {
            super(driver + ": not supported: " + why, null, null);
        }
    }
}
