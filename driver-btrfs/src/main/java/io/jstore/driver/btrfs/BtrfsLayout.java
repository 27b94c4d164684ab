package io.jstore.driver.btrfs;

import java.nio.file.Path;

/**
 * Where the driver keeps things under its home:
 * <pre>
 * HOME/btrfs/subvolumes/ID    the layer: a subvolume, read-only for committed (image) layers
 * HOME/.jstore/...            records, locks and mount counts of the shared machinery
 * </pre>
 */
record BtrfsLayout(Path home) {
    BtrfsLayout {
        home = home.toAbsolutePath().normalize();
    }

    Path subvolumes() {
        return home.resolve("btrfs").resolve("subvolumes");
    }

    Path subvolume(String id) {
        return subvolumes().resolve(id);
    }
}
