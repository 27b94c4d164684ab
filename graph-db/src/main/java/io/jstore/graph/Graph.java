package io.jstore.graph;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import io.jstore.driver.MountSpec;
import io.jstore.driver.support.ProcessIdentity;
import io.jstore.layer.Change;
import io.jstore.layer.Compression;
import io.jstore.layer.TarSplit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The layer graph over one driver: the API engines, the runtime shim and the CLI use.
 *
 * <h2>Layout</h2>
 * {@code <root>/graph/} holds the database ({@link GraphDb}); {@code <root>/<driver>/} is the
 * driver's home. Driver layer ids ("cache ids") are random, never ChainIDs, so a layer being
 * created can not collide with a finished one of the same content.
 *
 * <h2>Crash protocol</h2>
 * Every change that spans the database and the driver is ordered so that the database names
 * the driver layer <em>before</em> the driver has it: an {@link IncompleteRecord} is written,
 * then the driver works, then one transaction deletes that record and publishes the result.
 * Removal runs the other way (record moved to incomplete, driver removes, record deleted). So
 * after a crash at any point, every driver layer is known to the graph or named by an
 * incomplete record whose owner is dead, and {@link #repair} removes exactly those.
 */
public final class Graph implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final GraphDb db;
    private final Driver driver;
    private final Repair.Report openRepair;

    private Graph(Path root, GraphDb db, Driver driver) throws IOException {
        this.root = root;
        this.db = db;
        this.driver = driver;
        String recorded = db.write(t -> {
            Optional<String> d = t.meta("driver");
            if (d.isEmpty()) t.putMeta("driver", driver.name());
            return d.orElse(driver.name());
        });
        if (!recorded.equals(driver.name())) throw mismatch(root, recorded, driver.name());
        this.openRepair = new Repair(this).runIfFree();
    }

    private static GraphException mismatch(Path root, String recorded, String wanted) {
        return new GraphException.ConflictException("store " + root + " was made with driver " + recorded
                + ", not " + wanted + " (use --driver " + recorded + ")");
    }

    /** Opens the graph at {@code root} over an already opened driver (which the graph then owns). */
    public static Graph open(Path root, Driver driver) throws IOException {
        GraphDb db = GraphDb.open(root.resolve("graph"));
        try {
            return new Graph(root, db, driver);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Opens the graph at {@code root} with the named driver, or — when {@code driverName} is
     * null — the one the store was made with, else the best one whose probe accepts it.
     */
    public static Graph open(Path root, String driverName) throws IOException {
        // one database open for the driver's name and the graph (an open is an env, eleven tables and a reader check)
        GraphDb db = GraphDb.open(root.resolve("graph"));
        try {
            String recorded = db.read(t -> t.meta("driver")).orElse(null);
            // Before the other driver is opened: opening makes its home in the store root.
            if (recorded != null && driverName != null && !recorded.equals(driverName)) throw mismatch(root, recorded, driverName);
            String name = driverName != null ? driverName : recorded;
            if (name == null) {
                name = Drivers.all().stream().filter(p -> p.probe(root.resolve(p.name())).supported())
                        .map(DriverProvider::name).findFirst()
                        .orElseThrow(() -> new DriverException.UnsupportedException("any",
                                "no storage driver on the class path can run at " + root));
            }
            Driver d = Drivers.open(name, root.resolve(name), Map.of());
            try {
                return new Graph(root, db, d);
            } catch (IOException | RuntimeException e) {
                d.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public Path root() {
        return root;
    }

    public GraphDb db() {
        return db;
    }

    public Driver driver() {
        return driver;
    }

    /** What the repair pass of this open found and fixed. */
    public Repair.Report openReport() {
        return openRepair;
    }

    static String newCacheId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---- layers

    /** A layer by ChainID, or by a unique prefix of its hex (as {@code docker} accepts). */
    public LayerRecord layer(String ref) throws IOException {
        return db.read(t -> Refs.layer(t, ref));
    }

    public List<LayerRecord> layers() throws IOException {
        return db.read(GraphTxn::layers);
    }

    /**
     * Registers the layer tar {@code tar} (plain, gzip or zstd) on {@code parentChainId}: the
     * driver creates and fills it while its DiffID is computed; identical ChainIDs are stored
     * once. With {@code hold}, the layer gains one explicit reference (released by
     * {@link #releaseLayer}); {@code lease}, when given, keeps it for a running import instead.
     *
     * @throws GraphException.DigestMismatchException when {@code source} announced another DiffID; nothing is kept
     */
    public LayerRecord registerLayer(String parentChainId, InputStream tar, LayerSource source, boolean hold,
                                     Lease lease) throws IOException {
        return new Registrar(this).register(parentChainId, tar, source, hold, lease);
    }

    /** Adds one explicit reference. */
    public LayerRecord holdLayer(String chainId) throws IOException {
        return db.write(t -> {
            LayerRecord r = t.requireLayer(chainId).withRefCount(t.requireLayer(chainId).refCount() + 1);
            t.updateLayer(r);
            return r;
        });
    }

    /** Drops one explicit reference; the layer stays until {@link #gc}. */
    public LayerRecord releaseLayer(String chainId) throws IOException {
        return db.write(t -> {
            LayerRecord r = t.requireLayer(chainId);
            if (r.refCount() == 0) throw new GraphException.ConflictException("layer " + chainId + " holds no reference");
            r = r.withRefCount(r.refCount() - 1);
            t.updateLayer(r);
            return r;
        });
    }

    /**
     * Removes a layer now: it must have no reference but {@code explicitHolds} (the caller's
     * own, e.g. the one {@code jstore layer create} took), no child, no container and no mount.
     */
    public void removeLayer(String chainId, int explicitHolds) throws IOException {
        new Collector(this).removeLayer(chainId, explicitHolds);
    }

    /**
     * Removes a layer now ({@code jstore layer rm}), dropping the explicit holds on it: it must
     * be no image's top, under no container, no parent and not mounted.
     */
    public void removeLayer(String ref) throws IOException {
        new Collector(this).removeLayer(ref, -1);
    }

    /** The ChainIDs of a layer's children (complete ones; layers being made are left out). */
    public List<String> children(String chainId) throws IOException {
        return db.read(t -> t.children(chainId)).stream().filter(c -> !c.startsWith(GraphTxn.INCOMPLETE_CHILD)).toList();
    }

    // ---- mounts, diffs

    /** The driver id behind a layer ref or a container id. */
    public String cacheIdOf(String ref) throws IOException {
        return db.read(t -> {
            Optional<ContainerRecord> c = t.container(ref);
            if (c.isPresent()) return c.get().cacheId();
            return Refs.layer(t, ref).cacheId();
        });
    }

    /** The mounts of a layer or container, as data. */
    public List<MountSpec> mounts(String ref) throws IOException {
        return driver.mounts(cacheIdOf(ref));
    }

    /**
     * Mounts (counting one reference owned by this process) and returns the root; the
     * reference dies with the process, so GC and repair never trust a dead holder.
     */
    public Path mount(String ref) throws IOException {
        return new Mounter(this).mount(cacheIdOf(ref), false);
    }

    /** Mounts for the store ({@code jstore mount}): the reference outlives this process until {@link #unmount}. */
    public Path mountDetached(String ref) throws IOException {
        return new Mounter(this).mount(cacheIdOf(ref), true);
    }

    /** Who holds the layer or container mounted, or an empty record. */
    public MountRecord mountsOf(String ref) throws IOException {
        String cache = cacheIdOf(ref);
        return db.read(t -> t.mounts(cache)).orElse(new MountRecord(cache, List.of()));
    }

    /** Drops one of this process's references, else one the store holds; the last unmounts. */
    public void unmount(String ref) throws IOException {
        new Mounter(this).unmount(cacheIdOf(ref));
    }

    /**
     * The OCI layer tar of a layer (against its parent) or a container (against its init layer,
     * so the mount points the runtime needs are not the container's changes).
     */
    public void diff(String ref, OutputStream out) throws IOException {
        String[] ids = cacheAndParent(ref);
        driver.diff(ids[0], ids[1], out);
    }

    /**
     * Writes the tar a layer was imported from, byte for byte (its headers from the kept
     * tar-split, file contents from the layer itself), and returns true; false, having written
     * nothing, when no split was kept (a layer made by commit of a directory, or imported before
     * splits were kept). The caller checks the digest: only a layer changed behind the store
     * replays to other bytes.
     *
     * @throws TarSplit.StaleException when the layer no longer holds a file the tar had
     */
    public boolean originalTar(String chainId, OutputStream out) throws IOException {
        Optional<byte[]> split = db.read(t -> t.tarSplit(chainId));
        if (split.isEmpty()) return false;
        Path root = mount(chainId);
        try {
            TarSplit.replay(split.get(), root, out);
        } finally {
            unmount(chainId);
        }
        return true;
    }

    public List<Change> changes(String ref) throws IOException {
        String[] ids = cacheAndParent(ref);
        return driver.changes(ids[0], ids[1]);
    }

    private String[] cacheAndParent(String ref) throws IOException {
        return db.read(t -> {
            Optional<ContainerRecord> c = t.container(ref);
            String cache;
            String parentChain;
            if (c.isPresent()) {
                cache = c.get().cacheId();
                String init = InitLayer.idOf(cache);
                if (driver.exists(init)) return new String[] {cache, init}; // a store's older containers have none
                parentChain = c.get().layer();
            } else {
                LayerRecord l = Refs.layer(t, ref);
                cache = l.cacheId();
                parentChain = l.parent();
            }
            String parentCache = parentChain == null ? null : t.requireLayer(parentChain).cacheId();
            return new String[] {cache, parentCache};
        });
    }

    // ---- images

    /** An image by {@code repo:tag} name, full id, or unique id prefix. */
    public ImageRecord image(String ref) throws IOException {
        return db.read(t -> Refs.image(t, ref));
    }

    public List<ImageRecord> images() throws IOException {
        return db.read(GraphTxn::images);
    }

    public List<String> namesOf(String imageId) throws IOException {
        return db.read(t -> t.namesOf(imageId));
    }

    /** Points {@code name} at an image (moving it from any other). */
    public void tag(String name, String imageId) throws IOException {
        Refs.checkName(name);
        db.write(t -> {
            if (t.image(imageId).isEmpty()) throw new GraphException.NotFoundException("image", imageId);
            t.putName(name, imageId);
            return null;
        });
    }

    /**
     * Records an image whose layers are already registered (under {@code lease}) and releases
     * the lease, in one transaction: from then on the image's reference keeps them.
     */
    public ImageRecord commitImage(byte[] config, List<String> diffIds, String manifestDigest, List<String> names,
                                   Lease lease) throws IOException {
        return new Images(this).commit(config, diffIds, manifestDigest, names, lease);
    }

    /** Removes an image's record and names and releases its top layer; GC frees the layers. */
    public ImageRecord removeImage(String ref) throws IOException {
        return new Images(this).remove(ref);
    }

    /** Takes a lease for a multi-step import; close it with {@link #endLease}. */
    public Lease beginLease() throws IOException {
        Lease l = Lease.mine("lease-" + newCacheId());
        db.write(t -> {
            t.putLease(l);
            return null;
        });
        return l;
    }

    public void endLease(Lease lease) throws IOException {
        db.write(t -> {
            t.deleteLease(lease.id());
            return null;
        });
    }

    // ---- containers

    /** A read-write layer on an image's top layer (or on nothing when {@code imageRef} is null). */
    public ContainerRecord createContainer(String id, String imageRef, Map<String, String> config) throws IOException {
        return createContainer(id, imageRef, config, false);
    }

    /**
     * As {@link #createContainer(String, String, Map)}; {@code ephemeral} for a container the
     * caller removes when it ends ({@code run --rm}): its layers need not survive a crash of the
     * machine, mount without the syncs that costs ({@link CreateOptions#ephemeral()}), and the
     * driver removes them at its first open after a restart.
     */
    public ContainerRecord createContainer(String id, String imageRef, Map<String, String> config, boolean ephemeral)
            throws IOException {
        return new Containers(this).create(id, imageRef, null, config, true, ephemeral, null);
    }

    /**
     * {@link #createContainer(String, String, Map, boolean)} for a container this process is about to run: it holds it running
     * from the first commit on, and the container stays unpublished (a crash of this process
     * forgets it, layers and record) until {@link #handOverContainer} names its supervisor, so
     * a run commits once before its start and once when it hands over, instead of six times.
     */
    public ContainerRecord createContainerToRun(String id, String imageRef, Map<String, String> config, boolean ephemeral)
            throws IOException {
        return new Containers(this).create(id, imageRef, null, config, true, ephemeral, ProcessIdentity.self());
    }

    /**
     * In one commit: marks a container of {@link #createContainerToRun} running and hands this
     * process's hold to {@code supervisor}, the live process that keeps it running (null: none,
     * it has ended already), and publishes it, unless {@code ephemeral}: a container removed at
     * its end stays unpublished, kept by repair while this process or its supervisor lives and
     * forgotten once both are gone, and its removal ({@link #removeContainer}) then takes one
     * commit. A runtime calls this before the container's command runs, so no running container
     * is held by nobody.
     */
    public void handOverContainer(String id, ProcessIdentity supervisor, boolean ephemeral) throws IOException {
        new Containers(this).handOver(id, supervisor, ephemeral);
    }

    /**
     * A read-write layer right on the layer {@code chainId} (or on nothing), with no image and no
     * init layer: containerd's active snapshots, whose content is exactly what is written.
     */
    public ContainerRecord createContainerOnLayer(String id, String chainId, Map<String, String> config) throws IOException {
        return new Containers(this).create(id, null, chainId, config, false, false, null);
    }

    public Optional<ContainerRecord> container(String id) throws IOException {
        return db.read(t -> t.container(id));
    }

    public List<ContainerRecord> containers() throws IOException {
        return db.read(GraphTxn::containers);
    }

    /** Removes a container's layers and record; refuses while mounted or while a live supervisor holds it. */
    public void removeContainer(String id) throws IOException {
        new Containers(this).remove(id);
    }

    /**
     * Records that the live process {@code supervisor} keeps the container running (its root
     * is mounted in the container's own namespace): until {@link #releaseContainer} or that
     * process's death, {@link #removeContainer} is refused with
     * {@link GraphException.ContainerRunningException}.
     */
    public void holdContainer(String id, ProcessIdentity supervisor) throws IOException {
        new Containers(this).hold(id, supervisor);
    }

    /** Drops {@code supervisor}'s hold on the container, or every hold when it is null. */
    public void releaseContainer(String id, ProcessIdentity supervisor) throws IOException {
        new Containers(this).release(id, supervisor);
    }

    /** The container has ended: every hold on it goes and it is marked exited, in one commit. */
    public void containerEnded(String id) throws IOException {
        new Containers(this).ended(id);
    }

    /** The live supervisors holding the container running. */
    public List<ProcessIdentity> containerHolders(String id) throws IOException {
        return db.read(t -> t.mounts(Containers.runKey(id)).map(m -> m.holders().stream()
                .filter(h -> !h.store() && h.alive()).map(h -> new ProcessIdentity(h.pid(), h.start())).toList())
                .orElse(List.of()));
    }

    // ---- maintenance

    /** Deletes every layer nothing (image, container, child, hold, live lease, mount) needs. */
    public Collector.Report gc() throws IOException {
        return new Collector(this).collect();
    }

    /** The crash-repair pass on demand, plus consistency checks; says what it fixed. */
    public Repair.Report fsck() throws IOException {
        return new Repair(this).run(true);
    }

    /** Unmounts nothing: mounts are shared with other processes. Closes the driver and the database. */
    @Override
    public void close() throws IOException {
        try {
            driver.close();
        } finally {
            db.close();
        }
    }

    static CreateOptions createOptions() {
        return CreateOptions.DEFAULT;
    }

    /** The plain tar of a possibly compressed (gzip, zstd) layer. */
    static InputStream plain(InputStream in) throws IOException {
        return Compression.decompressing(in);
    }

    /** Whether the file starts like a compressed stream (gzip, zstd). */
    public static boolean compressed(Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return Compression.detect(head, head.length) != Compression.NONE;
        }
    }
}
