package io.jstore.engine.containerd;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** {@link ContainerdTest} over btrfs: containerd writes into a snapshot subvolume jstore bind-mounts for it. */
class BtrfsContainerdTest extends ContainerdTest {
    BtrfsContainerdTest(@Scratch(type = FsType.BTRFS, sizeMiB = 1024) ScratchFilesystem fs) {
        super(fs);
        driver = "btrfs";
    }
}
