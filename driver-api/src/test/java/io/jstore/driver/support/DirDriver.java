package io.jstore.driver.support;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.MountSpec;
import io.jstore.layer.TreeCopy;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal driver over the shared machinery, for its tests: a directory per layer, and a
 * "mount" that is a marker file beside it, so mounts outlive the process that made them as
 * real ones do, without needing root.
 */
final class DirDriver extends AbstractDriver {
    final AtomicInteger mountCalls = new AtomicInteger();
    final AtomicInteger unmountCalls = new AtomicInteger();
    volatile boolean failCreateWithNoSpace;

    DirDriver(Path home) {
        super(DriverHome.of("dir", home, Set.of("reserved")));
    }

    @Override
    public String name() {
        return "dir";
    }

    Path dir(String id) {
        return home.path().resolve(id);
    }

    Path marker(String id) {
        return home.path().resolve(id + ".mounted");
    }

    @Override
    protected void createLayer(String id, LayerRecord record, CreateOptions options) throws IOException {
        if (record.parent() == null) Files.createDirectory(dir(id));
        else TreeCopy.copy(dir(record.parent()), dir(id));
        if (failCreateWithNoSpace) throw new FileSystemException(dir(id).toString(), null, "No space left on device");
    }

    @Override
    protected void removeLayer(String id) throws IOException {
        LayerRecords.deleteTree(dir(id));
    }

    @Override
    protected List<MountSpec> mountSpecs(String id, LayerRecord record) {
        return List.of(MountSpec.root("bind", dir(id).toString(), List.of("rbind")));
    }

    @Override
    protected Path mountPoint(String id) {
        return dir(id);
    }

    @Override
    protected void mountLayer(String id, LayerRecord record) throws IOException {
        mountCalls.incrementAndGet();
        Files.createFile(marker(id));
    }

    @Override
    protected void unmountLayer(String id) throws IOException {
        unmountCalls.incrementAndGet();
        Files.delete(marker(id));
    }

    @Override
    protected boolean isMounted(String id) {
        return Files.exists(marker(id));
    }
}
