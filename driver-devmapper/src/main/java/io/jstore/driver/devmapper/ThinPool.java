package io.jstore.driver.devmapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A pool of thin block devices: each device is a sparse block device of a fixed size, and a
 * snapshot starts as its origin's exact blocks and shares them until either side writes.
 * The devicemapper driver keeps one device per layer; a child layer is a snapshot of its
 * parent, so a write into a large lower file copies one block, not the file.
 *
 * <p>Using a pool:
 * <pre>{@code
 * ThinDevice base = pool.create("base", 10L << 30);   // an empty 10 GiB device
 * Path dev = pool.activate("base");                   // /dev/loop7 or /dev/mapper/…
 * // mkfs on dev, mount it, fill it, unmount
 * pool.deactivate("base");
 * pool.snapshot("L1", "base");                        // L1 starts as base's blocks
 * pool.delete("L1");
 * }</pre>
 *
 * <p>Devices are named by the caller; the pool gives each a numeric id (dm-thin's 24-bit
 * device id) and keeps names, ids, sizes and origins in its own metadata, written
 * atomically and repaired on open after a crash. Every operation holds the pool's lock, so
 * several processes may share a pool. A device that is active must not be snapshotted while
 * its filesystem has unwritten data: sync it first (dm-thin also suspends the origin).
 *
 * <p>The set of pool kinds is closed: {@link DmThinPool} (the kernel's thin-pool target) and
 * {@link ReflinkPool} (image files on xfs/btrfs, FICLONE snapshots, loop devices) for
 * kernels without device-mapper.
 */
public sealed interface ThinPool extends AutoCloseable permits DmThinPool, ReflinkPool {

    /** The pool kind as status reports it: {@code reflink} or {@code dm-thin}. */
    String kind();

    /** Creates an empty device of {@code sizeBytes} (a multiple of 4096). */
    ThinDevice create(String name, long sizeBytes) throws IOException;

    /** Creates {@code name} as a snapshot of {@code origin}: same size, same blocks, shared. */
    default ThinDevice snapshot(String name, String origin) throws IOException {
        return snapshot(name, origin, false);
    }

    /**
     * As {@link #snapshot(String, String)}; {@code ephemeral} for the device of an ephemeral
     * layer, whose creation and deletion a pool may leave to a crash's repair to undo.
     */
    ThinDevice snapshot(String name, String origin, boolean ephemeral) throws IOException;

    /**
     * Deletes a device that is not active ({@link PoolException.DeviceActiveException}
     * otherwise). A device active only for a mount another mount namespace copied is deleted
     * too: its name goes now, its block device and blocks when that copy does (deferred
     * removal and deletion, as Docker's devicemapper).
     */
    void delete(String name) throws IOException;

    /** Makes the device usable and returns its block device; an active device's path again. */
    Path activate(String name) throws IOException;

    /**
     * Releases the block device. A device still mounted goes away once unmounted; a device
     * that is not active is left as it is.
     */
    void deactivate(String name) throws IOException;

    /** The block device of an active device, as whichever process activated it left it. */
    Optional<Path> activePath(String name) throws IOException;

    Optional<ThinDevice> device(String name) throws IOException;

    /** Every device, by name. */
    List<ThinDevice> list() throws IOException;

    /** Data and metadata space of the pool. */
    PoolUsage usage() throws IOException;

    /** The id of the last committed change to the pool's metadata; it only grows. */
    long transactionId() throws IOException;

    /** Releases what this object holds; devices and their activations by mounts stay. */
    @Override
    void close() throws IOException;
}
