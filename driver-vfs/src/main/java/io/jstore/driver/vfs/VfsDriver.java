package io.jstore.driver.vfs;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.driver.support.AbstractDriver;
import io.jstore.driver.support.DriverHome;
import io.jstore.driver.support.LayerRecord;
import io.jstore.driver.support.Trees;
import io.jstore.layer.TreeCopy;
import io.jstore.linux.Inodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference driver: {@code HOME/dir/ID} is the layer's whole root filesystem, and a
 * child starts as a full {@link TreeCopy} of its parent — extents shared with FICLONE where
 * the filesystem can (xfs with reflink, btrfs), {@code copy_file_range} otherwise. Nothing is
 * mounted: {@code get} returns the directory, {@code mounts} describes it as a bind mount.
 * Every layer is complete on its own, so the naive diff family of the base class is exact.
 */
public final class VfsDriver extends AbstractDriver {
    static final String NAME = "vfs";

    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong clonedBytes = new AtomicLong();

    VfsDriver(Path home) {
        super(DriverHome.of(NAME, home, Set.of()));
    }

    @Override
    public String name() {
        return NAME;
    }

    private Path dirs() {
        return home.path().resolve("dir");
    }

    private Path dir(String id) {
        return dirs().resolve(id);
    }

    @Override
    protected void createLayer(String id, LayerRecord record, CreateOptions options) throws IOException {
        if (options.hasSize()) {
            throw new DriverException.UnsupportedException(NAME, "layer size limits (vfs has no quota support)");
        }
        Files.createDirectories(dirs());
        if (record.parent() == null) {
            Files.createDirectory(dir(id));
            Inodes.chmod(dir(id), 0755);
            return;
        }
        TreeCopy.Result r = TreeCopy.copy(dir(record.parent()), dir(id));
        copiedBytes.addAndGet(r.bytes());
        clonedBytes.addAndGet(r.clonedBytes());
    }

    @Override
    protected void removeLayer(String id) throws IOException {
        Trees.delete(dir(id));
    }

    /** A bind of the directory; image layers read-only, as containerd's native snapshotter does. */
    @Override
    protected List<MountSpec> mountSpecs(String id, LayerRecord record) {
        return List.of(MountSpec.root("bind", dir(id).toString(), List.of(record.readWrite() ? "rw" : "ro", "rbind")));
    }

    @Override
    protected Path mountPoint(String id) {
        return dir(id);
    }

    @Override
    protected void mountLayer(String id, LayerRecord record) {
        // the directory is the root: nothing to mount
    }

    @Override
    protected void unmountLayer(String id) {
        // nothing was mounted
    }

    @Override
    protected boolean isMounted(String id) {
        return false;
    }

    @Override
    protected Map<String, String> statusDetails() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        boolean reflink = DriverHome.features(home.path()).reflink();
        m.put("Copy", reflink ? "FICLONE (extents shared)" : "copy_file_range (no extent sharing here)");
        m.put("Copied by this process", copiedBytes.get() + " bytes, " + clonedBytes.get() + " of them cloned");
        return m;
    }

    @Override
    protected Map<String, String> layerMetadata(String id, LayerRecord record) {
        return Map.of("dir", dir(id).toString());
    }
}
