package io.jstore.driver;

import java.util.Map;

/**
 * Options for creating a layer: a size limit where the driver can enforce one (btrfs
 * qgroups, devmapper device size, xfs project quotas) and driver-specific words.
 */
public record CreateOptions(long sizeBytes, Map<String, String> driverOptions) {
    public static final CreateOptions DEFAULT = new CreateOptions(0, Map.of());

    public CreateOptions {
        if (sizeBytes < 0) throw new IllegalArgumentException("negative size " + sizeBytes);
        driverOptions = Map.copyOf(driverOptions);
    }

    public static CreateOptions withSize(long bytes) {
        return new CreateOptions(bytes, Map.of());
    }

    public boolean hasSize() {
        return sizeBytes > 0;
    }
}
