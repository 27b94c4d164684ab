package io.jstore.driver.devmapper;

import io.jstore.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A device's filesystem mounted for a test; closing unmounts it. */
final class Mounted implements AutoCloseable {
    private final Path target;

    private Mounted(Path target) {
        this.target = target;
    }

    static Mounted mount(Path device, DeviceFilesystem fs, Path target) throws IOException {
        Files.createDirectories(target);
        List<String> options = new ArrayList<>(fs.mountOptions());
        Mounts.mount(device.toString(), target, fs.type(), options);
        return new Mounted(target);
    }

    Path root() {
        return target;
    }

    @Override
    public void close() throws IOException {
        Mounts.unmount(target);
    }
}
