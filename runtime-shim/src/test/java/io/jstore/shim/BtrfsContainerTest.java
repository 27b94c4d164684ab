package io.jstore.shim;

import io.jstore.linux.testing.FsType;

/** btrfs: subvolumes bound as the root inside the namespace. */
class BtrfsContainerTest extends ContainerRuntimeTest {
    BtrfsContainerTest() {
        super("btrfs", FsType.BTRFS);
    }
}
