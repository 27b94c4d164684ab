package io.jstore.driver.devmapper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.driver.DriverException;
import io.jstore.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The pool's base device: made once with an empty filesystem of the configured type and
 * size; every layer without a parent starts as a snapshot of it (Docker's devicemapper
 * "base device"). {@code base.json} in the driver's home is written only once mkfs has
 * finished, so a base device without it is half-made and is made again.
 */
final class BaseDevice {
    private BaseDevice() {}

    /** Device name of the base; layer ids never start with a dot, so no layer can take it. */
    static final String NAME = ".base";
    static final String FILE = "base.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the base was made with: fixed for the life of the pool. */
    record Made(DeviceFilesystem fs, long sizeBytes) {}

    /** The base device's filesystem and size, making the device first if the pool has none. */
    static Made ensure(ThinPool pool, Path home, Path mountPoint, DevmapperOptions options) throws IOException {
        Path file = home.resolve(FILE);
        Made made = read(file);
        if (made != null && pool.device(NAME).isPresent()) {
            check(made, options, file);
            return made;
        }
        if (pool.device(NAME).isPresent()) {
            pool.deactivate(NAME);
            pool.delete(NAME);
        }
        made = new Made(options.fsOrDefault(), options.baseSizeOrDefault());
        pool.create(NAME, made.sizeBytes());
        try {
            Path device = pool.activate(NAME);
            made.fs().make(device);
            emptyRoot(device, made.fs(), mountPoint);
        } finally {
            pool.deactivate(NAME);
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(made));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        PoolStore.syncDirectory(home);
        return made;
    }

    /**
     * mkfs.ext4 leaves {@code lost+found} in the root; every layer would inherit it and a base
     * layer's diff would carry it. e2fsck makes it again when it needs one.
     */
    private static void emptyRoot(Path device, DeviceFilesystem fs, Path mountPoint) throws IOException {
        Files.createDirectories(mountPoint);
        Mounts.mount(device.toString(), mountPoint, fs.type(), fs.mountOptions());
        try {
            Files.deleteIfExists(mountPoint.resolve("lost+found"));
        } finally {
            Mounts.unmount(mountPoint);
        }
        Files.delete(mountPoint);
    }

    private static Made read(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), Made.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void check(Made made, DevmapperOptions options, Path file) throws DriverException {
        if (options.fs() != null && options.fs() != made.fs()) {
            throw new DriverException("devmapper: the pool's devices hold " + made.fs().type() + " (" + file
                    + "); " + DevmapperOptions.FS + "=" + options.fs().type() + " needs a new home", null, file);
        }
        if (options.baseSize() != 0 && options.baseSize() != made.sizeBytes()) {
            throw new DriverException("devmapper: the pool's base device has " + made.sizeBytes() + " bytes (" + file
                    + "); " + DevmapperOptions.BASESIZE + "=" + options.baseSize() + " needs a new home", null, file);
        }
    }
}
