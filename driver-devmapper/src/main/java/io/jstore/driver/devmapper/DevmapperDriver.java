package io.jstore.driver.devmapper;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverStatus;
import io.jstore.driver.MountSpec;
import io.jstore.driver.support.AbstractDriver;
import io.jstore.driver.support.DriverHome;
import io.jstore.driver.support.Failures;
import io.jstore.driver.support.LayerLock;
import io.jstore.driver.support.LayerRecord;
import io.jstore.linux.Filesystems;
import io.jstore.linux.MountInfo;
import io.jstore.linux.Mounts;
import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Layers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The devicemapper driver: every layer is a thin device of one {@link ThinPool} holding its
 * own filesystem; a layer without a parent is a snapshot of the pool's {@link BaseDevice},
 * any other a snapshot of its parent, so copy-on-write happens per block below the
 * filesystem and a write into a large lower file copies one block.
 *
 * <pre>
 * HOME/pool/          the thin pool: pool.json, and devices/N.img (reflink) or
 *                     metadata.img + data.img (dm-thin)
 * HOME/base.json      the base device's filesystem and size, once it is made
 * HOME/mnt/ID         where get mounts layer ID's filesystem
 * HOME/.base-mount    where the base device is mounted once, right after its mkfs
 * HOME/.jstore/       records, locks and mount counts of the shared driver machinery
 * </pre>
 *
 * A layer's mount is its device's filesystem ({@code ext4 /dev/loop7}), which containerd or
 * a runtime can perform as well as the driver; an ephemeral layer's without the journal and
 * flushes durability costs ({@link DeviceFilesystem#ephemeralOptions}). The device is active only while needed: get
 * activates it, mounts, and lets the mount hold it, so the last unmount also releases the
 * device, whichever process does it.
 */
final class DevmapperDriver extends AbstractDriver {
    static final String NAME = "devmapper";
    private static final String POOL = "pool";
    private static final String MNT = "mnt";
    // below this much free pool space, a device's I/O error is taken for the pool running out
    private static final long POOL_FULL_MARGIN = 16L << 20;
    private static final long UNMOUNT_PATIENCE_MILLIS = 2000;

    private final ThinPool pool;
    private final BaseDevice.Made base;
    private final Path mnt;

    private DevmapperDriver(DriverHome home, ThinPool pool, BaseDevice.Made base) {
        super(home);
        this.pool = pool;
        this.base = base;
        this.mnt = home.path().resolve(MNT);
    }

    /** Opens (or makes) the pool and its base device under {@code home}, then repairs what a crash left. */
    static DevmapperDriver open(Path home, Map<String, String> options) throws DriverException {
        DevmapperOptions o = DevmapperOptions.parse(options);
        DriverHome dh = DriverHome.of(NAME, home, Set.of(POOL, MNT));
        ThinPool pool = null;
        try {
            if (o.fs() != null && o.fs().findTool().isEmpty()) {
                throw new DriverException.UnsupportedException(NAME, o.fs().tool() + " is not installed");
            }
            Files.createDirectories(dh.path().resolve(MNT));
            pool = openPool(dh.path().resolve(POOL), o);
            BaseDevice.Made base;
            try (LayerLock l = LayerLock.acquire(dh.meta().resolve("locks").resolve(BaseDevice.NAME + ".lock"))) {
                base = BaseDevice.ensure(pool, dh.path(), dh.path().resolve(".base-mount"), o);
            }
            return AbstractDriver.opened(new DevmapperDriver(dh, pool, base));
        } catch (IOException | RuntimeException e) {
            if (pool != null) {
                try {
                    pool.close();
                } catch (IOException c) {
                    e.addSuppressed(c);
                }
            }
            if (e instanceof PoolException.UnsupportedException u) {
                throw new DriverException.UnsupportedException(NAME, u.getMessage());
            }
            if (e instanceof IOException io) throw Failures.map(NAME, "open", "-", dh.path(), io);
            throw (RuntimeException) e;
        }
    }

    /** The pool, for tests that look at devices and extents. */
    ThinPool pool() {
        return pool;
    }

    /**
     * The pool a home already has keeps its kind; a new one is dm-thin where the kernel has
     * the thin-pool target (unless told otherwise), else reflink.
     */
    private static ThinPool openPool(Path dir, DevmapperOptions o) throws IOException {
        boolean hasDmThin = Files.exists(dir.resolve("data.img"));
        boolean hasReflink = Files.isDirectory(dir.resolve("devices"));
        String kind = hasDmThin ? DevmapperOptions.DM_THIN : hasReflink ? DevmapperOptions.REFLINK : o.pool();
        if (!o.pool().equals(DevmapperOptions.AUTO) && !o.pool().equals(kind)) {
            throw new DriverException(NAME + ": " + dir + " holds a " + kind + " pool; " + DevmapperOptions.POOL + "="
                    + o.pool() + " needs a new home", null, dir);
        }
        if (kind.equals(DevmapperOptions.AUTO)) {
            kind = DmThinPool.whyNot().isEmpty() ? DevmapperOptions.DM_THIN : DevmapperOptions.REFLINK;
        }
        return kind.equals(DevmapperOptions.DM_THIN)
                ? DmThinPool.open(dir, o.poolSize(), o.metadataSize())
                : ReflinkPool.open(dir);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void createLayer(String id, LayerRecord record, CreateOptions options) throws IOException {
        if (options.hasSize() && options.sizeBytes() > base.sizeBytes()) {
            throw new DriverException(NAME + ": layer " + id + " asks for " + options.sizeBytes()
                    + " bytes; every device has the base size " + base.sizeBytes() + " (" + DevmapperOptions.BASESIZE
                    + ")", id, null);
        }
        requireFreeSpace(id, mountPoint(id), null);
        String origin = record.parent() == null ? BaseDevice.NAME : record.parent();
        // what the parent's filesystem holds only in memory must reach its device before the
        // snapshot shares the device's blocks
        if (record.parent() != null && isMounted(record.parent())) Filesystems.syncfs(mountPoint(record.parent()));
        pool.snapshot(id, origin, record.ephemeral());
    }

    @Override
    protected void removeLayer(String id) throws IOException {
        if (pool.device(id).isPresent()) {
            pool.deactivate(id);
            pool.delete(id);
        }
        Files.deleteIfExists(mountPoint(id));
    }

    @Override
    protected List<MountSpec> mountSpecs(String id, LayerRecord record) throws IOException {
        // the device stays active (held by this driver) until the layer is put, removed or the driver closed
        Path device = pool.activate(id);
        return List.of(MountSpec.root(base.fs().type(), device.toString(), mountOptions(record, device)));
    }

    private List<String> mountOptions(LayerRecord record, Path device) throws IOException {
        if (!record.ephemeral()) return base.fs().mountOptions();
        List<String> o = new java.util.ArrayList<>(base.fs().mountOptions());
        o.addAll(base.fs().ephemeralOptions(device));
        return o;
    }

    @Override
    protected Path mountPoint(String id) {
        return mnt.resolve(id);
    }

    @Override
    protected void mountLayer(String id, LayerRecord record) throws IOException {
        Path target = mountPoint(id);
        Files.createDirectories(target);
        Path device = pool.activate(id);
        try {
            Mounts.mount(device.toString(), target, base.fs().type(), mountOptions(record, device));
        } catch (IOException e) {
            throw noSpaceIfPoolFull(id, target, e);
        } finally {
            // mounted: the mount now holds the device, which goes with the last unmount;
            // not mounted: nothing holds it, and it goes now
            pool.deactivate(id);
        }
    }

    /**
     * Applies onto the mounted filesystem and syncs it before the put: a device's filesystem
     * sees its own free space, not the pool's, so a full pool shows only as failed writeback
     * (which syncfs reports) or failed I/O, and is reported as ENOSPC here.
     */
    @Override
    protected long applyLayer(String id, String parent, InputStream in) throws IOException {
        requireFreeSpace(id, mountPoint(id), null);
        Path root = get(id);
        long n;
        try {
            n = Layers.apply(in, root, ApplyOptions.DEFAULT.withoutDigest()).uncompressedBytes();
            Filesystems.syncfs(root);
            requireFreeSpace(id, root, null);
        } catch (IOException e) {
            IOException failure = noSpaceIfPoolFull(id, root, e);
            putAfter(id, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            putAfter(id, e);
            throw e;
        }
        try {
            put(id); // its syncfs may be the first to see the pool's failed writeback
        } catch (IOException e) {
            throw noSpaceIfPoolFull(id, root, e);
        }
        return n;
    }

    /** The put after a failed apply, whose own failure must not hide the apply's. */
    private void putAfter(String id, Throwable failure) {
        try {
            put(id);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** {@code e} as ENOSPC when the pool has no room left (the device's I/O failed because of it). */
    private IOException noSpaceIfPoolFull(String id, Path path, IOException e) {
        if (e instanceof DriverException.NoSpaceException) return e;
        try {
            requireFreeSpace(id, path, e);
        } catch (DriverException.NoSpaceException full) {
            return full;
        } catch (IOException u) {
            e.addSuppressed(u);
        }
        return e;
    }

    /**
     * Fails with ENOSPC when the pool has less than {@link #POOL_FULL_MARGIN} free (Docker's
     * dm.min_free_space): a pool filled to the last block cannot even record the removal of
     * the layer that filled it.
     */
    private void requireFreeSpace(String id, Path path, IOException cause) throws IOException {
        PoolUsage u = pool.usage();
        if (u.dataTotal() - u.dataUsed() >= POOL_FULL_MARGIN) return;
        // btrfs returns deleted files' space at its next commit, xfs after background inode
        // work: a sync of the home's filesystem settles both before saying full
        Filesystems.syncfs(home.path());
        u = pool.usage();
        if (u.dataTotal() - u.dataUsed() >= POOL_FULL_MARGIN) return;
        throw new DriverException.NoSpaceException(NAME + ": layer " + id + " at " + path + ": the " + pool.kind()
                + " pool is full (" + u.dataUsed() + " of " + u.dataTotal() + " bytes used, " + POOL_FULL_MARGIN
                + " must stay free)" + (cause == null ? "" : ": " + cause.getMessage()), id, path, cause);
    }

    @Override
    protected void unmountLayer(String id) throws IOException {
        Path target = mountPoint(id);
        if (MountInfo.isMountPoint(target)) {
            // the unmount writes the filesystem back only if it is the last mount of it, and a
            // copy of this mount in another mount namespace outlives it: a snapshot of the
            // device taken after the put would miss what the filesystem still held in memory
            IOException writeback = null;
            try {
                Filesystems.syncfs(target);
            } catch (IOException e) {
                writeback = e; // what failed to reach the device is lost either way; the mount must still go
            }
            Mounts.unmountPatiently(target, UNMOUNT_PATIENCE_MILLIS);
            if (pool.device(id).isPresent()) pool.deactivate(id);
            if (writeback != null) throw writeback;
            return;
        }
        if (pool.device(id).isPresent()) pool.deactivate(id);
    }

    /** Devices no layer record names (none but the base should exist without one) and stray mount points. */
    @Override
    protected void repairDriver() throws IOException {
        Set<String> recorded = new HashSet<>(records.ids());
        for (ThinDevice d : pool.list()) {
            if (d.name().equals(BaseDevice.NAME) || recorded.contains(d.name())) continue;
            pool.deactivate(d.name());
            pool.delete(d.name());
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(mnt)) {
            for (Path p : ds) {
                if (recorded.contains(p.getFileName().toString()) || MountInfo.isMountPoint(p)) continue;
                Files.deleteIfExists(p);
            }
        }
    }

    /** Unmounts every layer, then releases every device this driver activated for mount specs. */
    @Override
    public void cleanup() throws DriverException {
        super.cleanup();
        try {
            for (ThinDevice d : pool.list()) pool.deactivate(d.name());
        } catch (IOException e) {
            throw Failures.map(NAME, "cleanup", "-", home.path(), e);
        }
    }

    /**
     * As the shared status, but without probing the home with test files: layers live in the
     * devices' own filesystems (which have d_type), and a probe's writes fail on a full pool.
     */
    @Override
    public DriverStatus status() throws DriverException {
        try {
            int layers = 0;
            for (String id : records.ids()) if (records.complete(id)) layers++;
            return new DriverStatus(NAME, Filesystems.statfs(home.path()).type(), true, layers, statusDetails());
        } catch (IOException e) {
            throw Failures.map(NAME, "status of", "-", home.path(), e);
        }
    }

    @Override
    protected Map<String, String> statusDetails() throws IOException {
        PoolUsage u = pool.usage();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Pool", pool.kind() + " (" + pool + ")");
        m.put("Pool data", u.dataUsed() + " of " + u.dataTotal() + " bytes used"
                + String.format(" (%.1f%%)", u.dataPercent()));
        m.put("Pool metadata", u.metadataUsed() + " of " + u.metadataTotal() + " bytes used");
        m.put("Base device", base.fs().type() + ", " + base.sizeBytes() + " bytes");
        m.put("Thin devices", Integer.toString(pool.list().size()));
        m.put("Transaction id", Long.toString(pool.transactionId()));
        return m;
    }

    @Override
    protected Map<String, String> layerMetadata(String id, LayerRecord record) throws IOException {
        ThinDevice d = pool.device(id).orElseThrow(() -> new DriverException(
                NAME + ": layer " + id + " has no thin device in " + pool, id, null));
        Map<String, String> m = new LinkedHashMap<>();
        m.put("deviceId", Integer.toString(d.id()));
        m.put("deviceSize", Long.toString(d.sizeBytes()));
        m.put("deviceOrigin", d.origin());
        m.put("device", pool.activePath(id).map(Path::toString).orElse(""));
        m.put("filesystem", base.fs().type());
        return m;
    }

    @Override
    public void close() throws DriverException {
        super.close();
        try {
            pool.close();
        } catch (IOException e) {
            throw Failures.map(NAME, "close", "-", home.path(), e);
        }
    }
}
