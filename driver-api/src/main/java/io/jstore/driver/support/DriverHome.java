package io.jstore.driver.support;

import io.jstore.driver.DriverException;
import io.jstore.driver.LayerIds;
import io.jstore.linux.Filesystems;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A driver's home directory and the part of it the shared machinery owns:
 * <pre>
 * HOME/.jstore/layers/ID/           the layer's record ({@link LayerRecords}): parent, rw flag,
 *                                   incomplete marker, mount holders, children
 * HOME/.jstore/locks/ID.lock        the layer's cross-process lock ({@link LayerLock})
 * HOME/...                          everything else belongs to the driver
 * </pre>
 * No layer id starts with a dot ({@link LayerIds}), so {@code .jstore} never meets a layer's
 * own directory, whatever layout the driver chose for those.
 */
public final class DriverHome {
    /** The shared machinery's directory under the home. */
    public static final String META = ".jstore";

    private final String driver;
    private final Path path;
    private final Set<String> reserved;

    private DriverHome(String driver, Path path, Set<String> reserved) {
        this.driver = driver;
        this.path = path.toAbsolutePath().normalize();
        this.reserved = Set.copyOf(reserved);
    }

    /**
     * The home of driver {@code driver} at {@code path}, refusing {@code reserved} as layer ids
     * (names the driver keeps its own things under, such as overlay's {@code l}).
     */
    public static DriverHome of(String driver, Path path, Set<String> reserved) {
        return new DriverHome(driver, path, reserved);
    }

    /** The driver's name, for messages. */
    public String driver() {
        return driver;
    }

    /** The home directory itself. */
    public Path path() {
        return path;
    }

    /** {@link LayerIds#check} plus the driver's reserved names; returns the id. */
    public String checkId(String id) throws DriverException.InvalidIdException {
        LayerIds.check(id);
        if (reserved.contains(id)) {
            throw new DriverException.InvalidIdException(id, "reserved by the " + driver + " driver for its own files");
        }
        return id;
    }

    /** Whether {@code id} is a valid id of this driver (for {@code exists}, which must not throw). */
    public boolean validId(String id) {
        try {
            checkId(id);
            return true;
        } catch (DriverException.InvalidIdException e) {
            return false;
        }
    }

    /**
     * {@link Filesystems#probe} of {@code dir}, remembered in {@code dir/.jstore/features} when
     * {@code dir} is the home of a driver opened before (an ancestor of a home not made yet is
     * probed every time and left as it was).
     */
    public static Filesystems.Features features(Path dir) throws SyscallException {
        return Filesystems.probe(dir, dir.resolve(META).resolve("features"));
    }

    /** {@code HOME/.jstore}. */
    public Path meta() {
        return path.resolve(META);
    }

    /** Where layer records live. */
    public Path records() {
        return meta().resolve("layers");
    }

    /** The record directory of {@code id}. */
    public Path record(String id) {
        return records().resolve(id);
    }

    /** The lock file of {@code id}. */
    public Path lockFile(String id) {
        return meta().resolve("locks").resolve(id + ".lock");
    }

    /** Locks {@code id} across threads and processes; close to release. */
    public LayerLock lock(String id) throws IOException {
        return LayerLock.acquire(lockFile(id));
    }

    @Override
    public String toString() {
        return driver + " home " + path;
    }
}
