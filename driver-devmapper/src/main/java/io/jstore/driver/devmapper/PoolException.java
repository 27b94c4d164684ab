package io.jstore.driver.devmapper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link ThinPool} refused an operation. Kernel refusals arrive as the linux module's
 * {@link io.jstore.linux.SyscallException} (ENOSPC as its NoSpaceException) instead.
 */
public class PoolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path pool;

    public PoolException(Path pool, String message) {
        super(pool + ": " + message);
        this.pool = pool;
    }

    public PoolException(Path pool, String message, Throwable cause) {
        super(pool + ": " + message, cause);
        this.pool = pool;
    }

    /** Where the pool keeps its metadata. */
    public Path pool() {
        return pool;
    }

    public static final class NoSuchDeviceException extends PoolException {
        private static final long serialVersionUID = 1L;
        public NoSuchDeviceException(Path pool, String name) {
            super(pool, "no thin device named " + name);
        }
    }

    public static final class DeviceExistsException extends PoolException {
        private static final long serialVersionUID = 1L;
        public DeviceExistsException(Path pool, String name) {
            super(pool, "thin device " + name + " already exists");
        }
    }

    /** The device is active (a block device exists for it), so it cannot be deleted. */
    public static final class DeviceActiveException extends PoolException {
        private static final long serialVersionUID = 1L;
        public DeviceActiveException(Path pool, String name, Path device) {
            super(pool, "thin device " + name + " is active as " + device);
        }
    }

    /** The pool cannot live here; the message says why. */
    public static final class UnsupportedException extends PoolException {
        private static final long serialVersionUID = 1L;
        public UnsupportedException(Path pool, String why) {
            super(pool, why);
        }
    }

    /** The pool's metadata cannot be read, or disagrees with itself. */
    public static final class CorruptException extends PoolException {
        private static final long serialVersionUID = 1L;
        public CorruptException(Path pool, String why, Throwable cause) {
            super(pool, why, cause);
        }
    }
}
