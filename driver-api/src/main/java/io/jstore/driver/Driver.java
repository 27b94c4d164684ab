package io.jstore.driver;

import io.jstore.layer.Change;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A storage driver: it keeps layers, stacks them, and gives each container a cheap
 * copy-on-write view of an image.
 *
 * <h2>How an engine uses it</h2>
 *
 * <p>Importing an image of two layers, base first:
 * <pre>{@code
 * driver.create("L1", null, CreateOptions.DEFAULT);      // an empty read-only layer
 * driver.applyDiff("L1", null, baseTar);                  // unpack the base layer's tar into it
 * driver.create("L2", "L1", CreateOptions.DEFAULT);      // a child that starts as L1's content
 * driver.applyDiff("L2", "L1", secondTar);                // whiteouts in the tar delete from L1's view
 * }</pre>
 *
 * <p>Running a container on that image:
 * <pre>{@code
 * driver.createReadWrite("C1", "L2", CreateOptions.DEFAULT); // EPHEMERAL for one thrown away at its end (run --rm)
 * List<MountSpec> specs = driver.mounts("C1");            // mount these inside the container's namespace…
 * Path rootfs = driver.get("C1");                          // …or let the driver mount them here
 * // run the process on rootfs; its writes land in C1 only
 * driver.put("C1");
 * }</pre>
 *
 * <p>Committing what the container changed, then cleaning up:
 * <pre>{@code
 * driver.diff("C1", "L2", out);                           // an OCI layer tar of C1's changes
 * driver.remove("C1");
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Ids are chosen by the caller and checked by {@link LayerIds#check}; the driver stores
 *       nothing about stacking beyond what it needs to mount (graph-db owns the graph).</li>
 *   <li>A layer made by {@link #create} is read-only once its diff is applied: nothing the
 *       driver does through a child may change it.</li>
 *   <li>{@link #get}/{@link #put} are reference counted across threads and processes: the
 *       first get mounts, the last put unmounts, and a holder that died stops counting.</li>
 *   <li>{@link #remove} refuses a layer that is mounted or has children
 *       ({@link DriverException.LayerInUseException}); it never leaves half a layer behind.</li>
 *   <li>{@code parent} arguments of the diff family name the layer to compare against; null
 *       means "the layer's own parent" for drivers that track it, else the empty tree.</li>
 *   <li>An ephemeral read-write layer ({@link CreateOptions#ephemeral()}) mounts without the
 *       syncs durability costs, through options in its {@link #mounts} specs, and is removed by
 *       the first open after a restart of the machine.</li>
 *   <li>Every failure is a {@link DriverException} naming the layer and the path.</li>
 * </ul>
 */
public interface Driver extends AutoCloseable {

    /** The driver's registered name ({@code overlay}, {@code btrfs}, {@code devmapper}, {@code vfs}). */
    String name();

    /** The directory this driver keeps its layers under. */
    Path home();

    /** Creates a read-only (image) layer, empty or starting as {@code parent}'s content. */
    void create(String id, String parent, CreateOptions options) throws DriverException;

    /** Creates a read-write (container) layer on {@code parent}, or on nothing. */
    void createReadWrite(String id, String parent, CreateOptions options) throws DriverException;

    /** Removes a layer that is neither mounted nor a parent. */
    void remove(String id) throws DriverException;

    boolean exists(String id);

    /**
     * The ids of every layer the driver holds, complete or not. graph-db's {@code fsck}
     * compares it with its records to remove layers no record knows (what a crash of
     * something other than jstore, or a bug, left). A driver that cannot enumerate says so.
     */
    default java.util.Set<String> ids() throws DriverException {
        throw new DriverException.UnsupportedException(name(), "this driver cannot list its layers");
    }

    /**
     * How to mount the layer's root filesystem, as data: whoever mounts (the driver in
     * {@link #get}, the runtime inside a new mount namespace, containerd) performs these in
     * order, each {@link MountSpec#target()} relative to the root it mounts at.
     */
    List<MountSpec> mounts(String id) throws DriverException;

    /** Mounts the layer (if not already) and returns its root; counts one reference. */
    Path get(String id) throws DriverException;

    /** Drops one reference; the last one unmounts. */
    void put(String id) throws DriverException;

    /**
     * Like {@link #get}, but the reference belongs to the store, not to the calling process:
     * it outlives the caller and stays until {@link #putDetached}. What {@code jstore mount}
     * needs: the command exits, the mount stays for whatever runs next.
     */
    default Path getDetached(String id) throws DriverException {
        throw new DriverException.UnsupportedException(name(), "mounts that outlive the process");
    }

    /** Drops one reference taken by {@link #getDetached}; the last reference unmounts. */
    default void putDetached(String id) throws DriverException {
        throw new DriverException.UnsupportedException(name(), "mounts that outlive the process");
    }

    /** Writes the changes of {@code id} relative to {@code parent} as an uncompressed OCI layer tar. */
    void diff(String id, String parent, OutputStream out) throws DriverException;

    /** The changes of {@code id} relative to {@code parent}, parents before children. */
    List<Change> changes(String id, String parent) throws DriverException;

    /** Applies an OCI layer tar (plain, gzip or zstd) to the layer; returns the uncompressed bytes read. */
    long applyDiff(String id, String parent, InputStream layer) throws DriverException;

    /** The size in bytes of the content {@link #diff} would write (file data only). */
    long diffSize(String id, String parent) throws DriverException;

    /** What the driver runs on and which features it uses, for {@code jstore drivers} and engines. */
    DriverStatus status() throws DriverException;

    /** Driver-specific facts about a layer (paths, device names), for inspect commands. */
    Map<String, String> metadata(String id) throws DriverException;

    /** Unmounts everything this driver mounted, whoever still holds it. */
    void cleanup() throws DriverException;

    /** Releases the driver's own resources; layers and their mounts stay. */
    @Override
    void close() throws DriverException;
}
