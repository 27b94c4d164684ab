package io.jstore.driver.btrfs;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverStatus;
import io.jstore.driver.MountSpec;
import io.jstore.driver.support.AbstractDriver;
import io.jstore.driver.support.DriverHome;
import io.jstore.driver.support.LayerRecord;
import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import io.jstore.layer.TreeDiff;
import io.jstore.linux.Btrfs;
import io.jstore.linux.BtrfsChanges;
import io.jstore.linux.BtrfsQuota;
import io.jstore.linux.BtrfsSubvolumes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The btrfs driver. Each layer is a subvolume ({@link BtrfsLayout}); a child is a snapshot of
 * its parent, so creating one costs a metadata copy of the parent's root, whatever its size.
 * Committed (image) layers are read-only subvolumes from the moment they are made, writable
 * only while {@code applyDiff} writes them; container layers are writable snapshots.
 *
 * <p>{@code get} mounts nothing: the subvolume is a directory. It still counts references
 * like every driver, and {@link #mountSpecs} describes the layer as a bind mount for whoever
 * mounts it elsewhere. A diff against the snapshot source reads only what changed since the
 * snapshot ({@link DiffPlan}, {@link ChangeScope}); elsewhere it is the naive diff.
 */
final class BtrfsDriver extends AbstractDriver {
    private final BtrfsLayout layout;
    private volatile String lastDiff = "none yet";
    private volatile String lastFallback = "none";

    BtrfsDriver(Path home) {
        super(DriverHome.of(BtrfsDriverProvider.NAME, home, java.util.Set.of("btrfs")));
        this.layout = new BtrfsLayout(home);
    }

    @Override
    public String name() {
        return BtrfsDriverProvider.NAME;
    }

    @Override
    protected void createLayer(String id, LayerRecord record, CreateOptions options) throws IOException {
        long limit = SizeOption.of(options);
        Files.createDirectories(layout.subvolumes());
        Path target = layout.subvolume(id);
        boolean readOnly = !record.readWrite();
        if (record.parent() == null) Btrfs.createSubvolume(target, readOnly);
        else Btrfs.snapshot(layout.subvolume(record.parent()), target, readOnly);
        if (limit > 0) limit(target, limit);
    }

    /** Enables quotas on first use (waiting for the rescan that accounts what exists) and limits the layer's qgroup. */
    private static void limit(Path subvolume, long bytes) throws IOException {
        if (!BtrfsQuota.enabled(subvolume)) {
            BtrfsQuota.enable(subvolume);
            BtrfsQuota.waitForRescan(subvolume);
        }
        BtrfsQuota.limit(subvolume, bytes);
    }

    @Override
    protected void removeLayer(String id) throws IOException {
        SubvolumeRemoval.remove(layout.subvolume(id));
    }

    @Override
    protected List<MountSpec> mountSpecs(String id, LayerRecord record) {
        return List.of(MountSpec.root("bind", layout.subvolume(id).toString(),
                List.of("bind", record.readWrite() ? "rw" : "ro")));
    }

    @Override
    protected Path mountPoint(String id) {
        return layout.subvolume(id);
    }

    @Override
    protected void mountLayer(String id, LayerRecord record) {
        // the subvolume is its own root: nothing to mount
    }

    @Override
    protected void unmountLayer(String id) {
        // nothing was mounted
    }

    @Override
    protected boolean isMounted(String id) {
        return false;
    }

    /** Writes into the layer's subvolume, opening a read-only (image) layer for the duration. */
    @Override
    protected long applyLayer(String id, String parent, InputStream in) throws IOException {
        Path root = layout.subvolume(id);
        boolean readOnly = Btrfs.isReadOnly(root);
        if (readOnly) Btrfs.setReadOnly(root, false);
        try {
            return Layers.apply(in, root, ApplyOptions.DEFAULT.withoutDigest()).uncompressedBytes();
        } finally {
            if (readOnly) Btrfs.setReadOnly(root, true);
        }
    }

    @Override
    protected void writeDiff(String id, String parent, OutputStream out) throws IOException {
        onTrees(id, parent, (lower, upper, scope) -> Layers.diff(lower, upper, out, scope));
    }

    @Override
    protected List<Change> listChanges(String id, String parent) throws IOException {
        return onTrees(id, parent, Layers::changes);
    }

    @Override
    protected long sizeOfDiff(String id, String parent) throws IOException {
        return onTrees(id, parent, (lower, upper, scope) -> Layers.size(Layers.changes(lower, upper, scope), upper));
    }

    @FunctionalInterface
    private interface OnTrees<T> {
        T run(Path lower, Path upper, TreeDiff.Scope scope) throws IOException;
    }

    /**
     * Holds references on both layers while {@code f} compares them, with the scope the plan
     * allows. The layer's own parent needs none: no parent can be removed while a child
     * exists, and the subvolume is there without a mount (references cost a rewrite of the
     * mount-count file each, a good part of a small diff).
     */
    private <T> T onTrees(String id, String parent, OnTrees<T> f) throws IOException {
        Path upper = get(id);
        try {
            if (parent == null) return f.run(null, upper, null);
            String ownParent = require(id).parent();
            boolean hold = !parent.equals(ownParent);
            Path lower = hold ? get(parent) : layout.subvolume(parent);
            try {
                DiffPlan plan = DiffPlan.of(id, upper, parent, lower, ownParent);
                if (plan instanceof DiffPlan.Naive naive) {
                    lastFallback = naive.reason();
                    lastDiff = "naive: " + naive.reason();
                    return f.run(lower, upper, null);
                }
                DiffPlan.Generations g = (DiffPlan.Generations) plan;
                long since = g.since();
                BtrfsChanges.Scan scan = BtrfsChanges.since(upper, since, g.source());
                ChangeScope scope = ChangeScope.of(upper, scan);
                lastDiff = "generations: " + id + " since transaction " + since + ", " + scope.changedInodes()
                        + " changed inodes from " + scan.itemsRead() + " items in " + scan.searchCalls() + " searches"
                        + (scan.committed() ? ", after a commit of its changes" : ", no commit needed");
                return f.run(lower, upper, scope);
            } finally {
                if (hold) put(parent);
            }
        } finally {
            put(id);
        }
    }

    /**
     * As every driver's status, without the shared probe's test files: the filesystem from
     * statfs, d_type a given on btrfs, and a status must still answer on a full filesystem.
     */
    @Override
    public DriverStatus status() throws DriverException {
        int layers = 0;
        for (String id : ids()) if (exists(id)) layers++;
        try {
            String type = io.jstore.linux.Filesystems.statfs(layout.home()).type();
            return new DriverStatus(name(), type, true, layers, statusDetails());
        } catch (IOException e) {
            throw DriverException.wrap(name(), "status of", "-", layout.home(), e);
        }
    }

    @Override
    protected Map<String, String> statusDetails() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Subvolumes", layout.subvolumes().toString());
        Path at = Files.isDirectory(layout.subvolumes()) ? layout.subvolumes() : layout.home();
        m.put("Quotas", BtrfsQuota.enabled(at) ? "enabled" : "disabled (enabled by the first layer with a size)");
        m.put("Native diff", "generations: inodes changed since the snapshot, by tree search");
        m.put("Last diff", lastDiff);
        m.put("Last naive fallback", lastFallback);
        return m;
    }

    @Override
    protected Map<String, String> layerMetadata(String id, LayerRecord record) throws IOException {
        Path sv = layout.subvolume(id);
        BtrfsSubvolumes.Info info = BtrfsSubvolumes.info(sv);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("subvolume", sv.toString());
        m.put("subvolumeId", Long.toString(info.id()));
        m.put("readOnly", Boolean.toString(info.readOnly()));
        m.put("uuid", String.valueOf(info.uuid()));
        if (info.parentUuid() != null) m.put("snapshotOf", info.parentUuid().toString());
        m.put("createdTransid", Long.toString(info.createdTransid()));
        m.put("generation", Long.toString(info.generation()));
        Optional<BtrfsQuota.Usage> u = BtrfsQuota.enabled(sv) ? BtrfsQuota.usage(sv) : Optional.empty();
        u.ifPresent(q -> {
            m.put("referencedBytes", Long.toString(q.referenced()));
            m.put("exclusiveBytes", Long.toString(q.exclusive()));
            if (q.maxReferenced() > 0) m.put("sizeLimit", Long.toString(q.maxReferenced()));
        });
        return m;
    }
}
