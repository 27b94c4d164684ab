package io.jstore.driver;

import java.util.Map;

/**
 * Options for creating a layer: a size limit where the driver can enforce one (btrfs
 * qgroups, devmapper device size, xfs project quotas), driver-specific words, and whether the
 * layer is ephemeral.
 *
 * <p>An <em>ephemeral</em> read-write layer is one its caller throws away when the container
 * ends ({@code run --rm}), so nothing written to it needs to survive a crash of the machine.
 * Its mount specs carry what that means to the driver, and whoever performs them mounts it so:
 * overlay's {@code volatile} (no sync of the upper dir), ext4 without journal and without cache
 * flushes on devmapper; drivers with nothing to skip (vfs, btrfs) mount it as any other. The
 * layer records the boot it was made in, and the first open of the driver after a restart
 * removes it, half-written as it may be (Podman mounts its {@code --rm} containers'
 * overlays {@code volatile} under the same rule). Only a read-write layer can be ephemeral, and
 * a layer on an ephemeral one must be ephemeral too: it goes with its parent.
 */
public record CreateOptions(long sizeBytes, Map<String, String> driverOptions, boolean ephemeral) {
    public static final CreateOptions DEFAULT = new CreateOptions(0, Map.of(), false);
    /** A read-write layer the caller throws away: see the class comment. */
    public static final CreateOptions EPHEMERAL = new CreateOptions(0, Map.of(), true);

    public CreateOptions {
        if (sizeBytes < 0) throw new IllegalArgumentException("negative size " + sizeBytes);
        driverOptions = Map.copyOf(driverOptions);
    }

    public CreateOptions(long sizeBytes, Map<String, String> driverOptions) {
        this(sizeBytes, driverOptions, false);
    }

    public static CreateOptions withSize(long bytes) {
        return new CreateOptions(bytes, Map.of());
    }

    /** These options for a layer that is (or is not) ephemeral. */
    public CreateOptions withEphemeral(boolean on) {
        return new CreateOptions(sizeBytes, driverOptions, on);
    }

    public boolean hasSize() {
        return sizeBytes > 0;
    }
}
