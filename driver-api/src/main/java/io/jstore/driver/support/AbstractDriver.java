package io.jstore.driver.support;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverStatus;
import io.jstore.driver.MountSpec;
import io.jstore.layer.Change;
import io.jstore.linux.Filesystems;
import io.jstore.linux.MountInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link Driver} contract written once: id checks, per-layer locks, the crash protocol,
 * reference-counted {@code get}/{@code put} shared by threads and processes, {@code remove}
 * refusing mounted layers and parents, the naive diff family, repair on open, and ENOSPC as
 * {@link DriverException.NoSpaceException} with no half-made layer left.
 *
 * <p>A driver supplies only what is its own:
 * <ul>
 *   <li>{@link #createLayer}: make the layer's storage, empty or as its parent's content;</li>
 *   <li>{@link #removeLayer}: delete it, whatever part of it exists;</li>
 *   <li>{@link #mountSpecs}, {@link #mountPoint}, {@link #mountLayer}, {@link #unmountLayer},
 *       and {@link #isMounted} when its "mount" is more or less than a mount on the mount point;</li>
 *   <li>optionally a native diff ({@link #writeDiff}, {@link #listChanges}, {@link #applyLayer},
 *       {@link #sizeOfDiff}), status details and layer metadata.</li>
 * </ul>
 * Its provider opens it with {@link #repair} run once, before anything else:
 * <pre>{@code
 * public Driver open(Path home, Map<String, String> options) throws DriverException {
 *     return AbstractDriver.opened(new VfsDriver(home));
 * }
 * }</pre>
 * The hooks run with the layer's {@link LayerLock} held; a hook may throw any IOException,
 * which reaches the caller as a DriverException naming the driver, layer and path.
 */
public abstract class AbstractDriver implements Driver {
    protected final DriverHome home;
    protected final LayerRecords records;
    protected final MountCounts mounts;
    private final LayerOps ops;
    private volatile boolean closed;

    protected AbstractDriver(DriverHome home) {
        this.home = home;
        this.records = new LayerRecords(home);
        this.mounts = new MountCounts(home);
        this.ops = new LayerOps(this);
    }

    /** Runs {@link #repair} on a freshly made driver and returns it: what a provider's open does. */
    public static <D extends AbstractDriver> D opened(D driver) throws DriverException {
        try {
            Files.createDirectories(driver.home.records());
        } catch (IOException e) {
            throw Failures.map(driver.name(), "open", null, driver.home.path(), e);
        }
        driver.repair();
        return driver;
    }

    // ---------------------------------------------------------------- what a driver supplies

    /**
     * Makes the layer's storage: empty, or starting as {@code parent}'s content. Runs with the
     * layer's record marked incomplete; if it throws, {@link #removeLayer} cleans up after it.
     */
    protected abstract void createLayer(String id, LayerRecord record, CreateOptions options) throws IOException;

    /**
     * Deletes the layer's storage, whatever part of it exists (also after a crash half-way
     * through {@link #createLayer}). Never called while the layer is mounted.
     */
    protected abstract void removeLayer(String id) throws IOException;

    /** The mounts that make the layer's root filesystem, as data. */
    protected abstract List<MountSpec> mountSpecs(String id, LayerRecord record) throws IOException;

    /** Where {@link #get} returns the layer's root (the mount point, or the directory itself). */
    protected abstract Path mountPoint(String id);

    /** Performs the mounts at {@link #mountPoint}; called for the first reference. */
    protected abstract void mountLayer(String id, LayerRecord record) throws IOException;

    /** Undoes {@link #mountLayer}; called for the last reference, or for a dead holder's mount. */
    protected abstract void unmountLayer(String id) throws IOException;

    /** Whether the layer is mounted now, in this mount namespace. */
    protected boolean isMounted(String id) throws IOException {
        return MountInfo.isMountPoint(mountPoint(id));
    }

    /** Extra crash repair of the driver's own files, run by {@link #repair} before the records are checked. */
    protected void repairDriver() throws IOException {}

    /** Driver-specific lines of {@link #status}, in order. */
    protected Map<String, String> statusDetails() throws IOException {
        return Map.of();
    }

    /** Driver-specific facts of one layer for {@link #metadata}. */
    protected Map<String, String> layerMetadata(String id, LayerRecord record) throws IOException {
        return Map.of();
    }

    // ---------------------------------------------------------------- diff family, naive by default

    /** Writes {@code id}'s changes against {@code parent} (null: the empty tree) as a layer tar. */
    protected void writeDiff(String id, String parent, OutputStream out) throws IOException {
        NaiveDiff.diff(this, id, parent, out);
    }

    /** {@code id}'s changes against {@code parent} (null: the empty tree). */
    protected List<Change> listChanges(String id, String parent) throws IOException {
        return NaiveDiff.changes(this, id, parent);
    }

    /** Applies a layer tar to {@code id}; returns the uncompressed bytes read. */
    protected long applyLayer(String id, String parent, InputStream in) throws IOException {
        return NaiveDiff.apply(this, id, in);
    }

    /** The file data {@link #writeDiff} would carry. */
    protected long sizeOfDiff(String id, String parent) throws IOException {
        return NaiveDiff.size(this, id, parent);
    }

    // ---------------------------------------------------------------- the Driver contract

    @Override
    public Path home() {
        return home.path();
    }

    @Override
    public final void create(String id, String parent, CreateOptions options) throws DriverException {
        ensureOpen();
        ops.create(id, parent, false, options == null ? CreateOptions.DEFAULT : options);
    }

    @Override
    public final void createReadWrite(String id, String parent, CreateOptions options) throws DriverException {
        ensureOpen();
        ops.create(id, parent, true, options == null ? CreateOptions.DEFAULT : options);
    }

    @Override
    public final void remove(String id) throws DriverException {
        ensureOpen();
        ops.remove(id);
    }

    @Override
    public final boolean exists(String id) {
        return home.validId(id) && records.complete(id);
    }

    @Override
    public final List<MountSpec> mounts(String id) throws DriverException {
        ensureOpen();
        LayerRecord r = require(id);
        try {
            return mountSpecs(id, r);
        } catch (IOException e) {
            throw Failures.map(name(), "mounts of", id, mountPoint(id), e);
        }
    }

    @Override
    public final Path get(String id) throws DriverException {
        ensureOpen();
        return ops.get(id, ProcessIdentity.self());
    }

    @Override
    public final Path getDetached(String id) throws DriverException {
        ensureOpen();
        return ops.get(id, ProcessIdentity.STORE);
    }

    @Override
    public final void putDetached(String id) throws DriverException {
        ensureOpen();
        ops.put(id, ProcessIdentity.STORE);
    }

    /** Every recorded layer, complete or not (a half-made one is still the driver's to remove). */
    @Override
    public final java.util.Set<String> ids() throws DriverException {
        ensureOpen();
        return new java.util.TreeSet<>(recordedIds());
    }

    @Override
    public final void put(String id) throws DriverException {
        ensureOpen();
        ops.put(id, ProcessIdentity.self());
    }

    @Override
    public final void diff(String id, String parent, OutputStream out) throws DriverException {
        ensureOpen();
        String lower = lowerOf(id, parent);
        try {
            writeDiff(id, lower, out);
        } catch (IOException e) {
            throw Failures.map(name(), "diff of", id, mountPoint(id), e);
        }
    }

    @Override
    public final List<Change> changes(String id, String parent) throws DriverException {
        ensureOpen();
        String lower = lowerOf(id, parent);
        try {
            return listChanges(id, lower);
        } catch (IOException e) {
            throw Failures.map(name(), "changes of", id, mountPoint(id), e);
        }
    }

    @Override
    public final long applyDiff(String id, String parent, InputStream layer) throws DriverException {
        ensureOpen();
        return ops.apply(id, lowerOf(id, parent), layer);
    }

    @Override
    public final long diffSize(String id, String parent) throws DriverException {
        ensureOpen();
        String lower = lowerOf(id, parent);
        try {
            return sizeOfDiff(id, lower);
        } catch (IOException e) {
            throw Failures.map(name(), "diff size of", id, mountPoint(id), e);
        }
    }

    @Override
    public DriverStatus status() throws DriverException {
        ensureOpen();
        try {
            Filesystems.Features f = DriverHome.features(home.path());
            int layers = 0;
            for (String id : records.ids()) if (records.complete(id)) layers++;
            return new DriverStatus(name(), f.type(), f.dType(), layers, statusDetails());
        } catch (IOException e) {
            throw Failures.map(name(), "status of", "-", home.path(), e);
        }
    }

    /**
     * The layer's parent, read-write and ephemeral flags and live mount count ({@code parent},
     * {@code readWrite}, {@code ephemeral}, {@code mountCount}), then the driver's own facts.
     */
    @Override
    public final Map<String, String> metadata(String id) throws DriverException {
        ensureOpen();
        LayerRecord r = require(id);
        try (LayerLock l = home.lock(id)) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("parent", r.parent() == null ? "" : r.parent());
            m.put("readWrite", Boolean.toString(r.readWrite()));
            m.put("ephemeral", Boolean.toString(r.ephemeral()));
            m.put("mountCount", Integer.toString(mounts.count(id)));
            m.put("root", mountPoint(id).toString());
            m.putAll(layerMetadata(id, r));
            return m;
        } catch (IOException e) {
            throw Failures.map(name(), "metadata of", id, mountPoint(id), e);
        }
    }

    /** Unmounts every layer that is mounted, whoever holds it, and forgets the holders. */
    @Override
    public void cleanup() throws DriverException {
        ensureOpen();
        for (String id : recordedIds()) ops.forceUnmount(id);
    }

    /** Marks the driver closed; layers, their mounts and their holders stay. */
    @Override
    public void close() throws DriverException {
        closed = true;
    }

    /**
     * Finishes what a crash interrupted: removes every layer whose record is still marked
     * incomplete (with its mounts) and every ephemeral layer made before the machine last
     * started, unmounts layers no live process holds, and drops child notes of layers that are
     * gone. Safe while other processes use the store.
     */
    public final RepairReport repair() throws DriverException {
        List<String> removed = new ArrayList<>();
        List<String> unmounted = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        try {
            repairDriver();
            records.sweepStaging();
            for (String id : recordedIds()) if (records.ephemeralOfEarlierBoot(id)) stale.add(id);
        } catch (IOException e) {
            throw Failures.map(name(), "repair", "-", home.path(), e);
        }
        // children first: each round removes those no other stale layer was made on
        for (boolean progress = true; progress && !stale.isEmpty(); ) {
            progress = false;
            for (java.util.Iterator<String> it = stale.iterator(); it.hasNext(); ) {
                String id = it.next();
                if (!ops.discardStaleEphemeral(id)) continue;
                removed.add(id);
                it.remove();
                progress = true;
            }
        }
        for (String id : recordedIds()) ops.repair(id, removed, unmounted);
        return new RepairReport(removed, unmounted);
    }

    // ---------------------------------------------------------------- helpers for drivers

    /** The complete record of {@code id}, or NotFound. */
    protected final LayerRecord require(String id) throws DriverException {
        home.checkId(id);
        try {
            Optional<LayerRecord> r = records.read(id);
            if (r.isEmpty() || !r.get().complete()) throw new DriverException.NotFoundException(name(), id);
            return r.get();
        } catch (IOException e) {
            throw Failures.map(name(), "read record of", id, home.record(id), e);
        }
    }

    /** The parent the diff family compares against: the given one, else the recorded one. */
    private String lowerOf(String id, String parent) throws DriverException {
        LayerRecord r = require(id);
        if (parent == null) return r.parent();
        require(parent);
        return parent;
    }

    private List<String> recordedIds() throws DriverException {
        try {
            return records.ids();
        } catch (IOException e) {
            throw Failures.map(name(), "list layers", "-", home.records(), e);
        }
    }

    private void ensureOpen() throws DriverException {
        if (closed) throw new DriverException(name() + ": driver at " + home.path() + " is closed", null, home.path());
    }
}
