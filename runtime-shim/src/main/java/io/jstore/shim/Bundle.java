package io.jstore.shim;

import io.jstore.driver.MountSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI bundle directory: {@code config.json} for any OCI runtime, {@code shim.spec} (its
 * digest, see {@link ShimSpec}) for the built-in executor, and {@code rootfs/}. The root is
 * either a plain directory already there or {@code rootMounts}: a driver's mount specs,
 * performed inside the container's mount namespace by the built-in executor, or on the host
 * at {@code rootfs/} for an OCI runtime (which takes a ready root, as containerd gives runc).
 */
public record Bundle(Path dir, String id, OciSpec spec, List<MountSpec> rootMounts) {
    public Bundle {
        rootMounts = List.copyOf(rootMounts);
    }

    public Path rootfs() {
        Path r = Path.of(spec.root().path());
        return r.isAbsolute() ? r : dir.resolve(r);
    }

    public Path configJson() {
        return dir.resolve("config.json");
    }

    public Path shimSpec() {
        return dir.resolve("shim.spec");
    }

    /** Where the supervisor records the exit code when the container ends. */
    public Path statusFile() {
        return dir.resolve("status");
    }

    /** The bundle a previous process wrote in {@code dir}. */
    public static Bundle open(Path dir, String id, List<MountSpec> rootMounts) throws IOException {
        return new Bundle(dir.toAbsolutePath(), id, OciSpec.read(dir.resolve("config.json")), rootMounts);
    }

    /** Writes the bundle into {@code dir} (made if missing); a plain-directory root must already exist at {@code rootfs/}. */
    public static Bundle write(Path dir, String id, OciSpec spec, List<MountSpec> rootMounts) throws IOException {
        Files.createDirectories(dir);
        Bundle b = new Bundle(dir.toAbsolutePath(), id, spec, rootMounts);
        Files.createDirectories(b.rootfs());
        spec.write(b.configJson());
        ShimSpec.write(spec, b.rootfs(), b.rootMounts(), b.shimSpec());
        return b;
    }
}
