package io.jstore.shim;

import io.jstore.linux.testing.FsType;

/** vfs, the reference driver: plain directories per layer, bound as the root inside the namespace. */
class VfsContainerTest extends ContainerRuntimeTest {
    VfsContainerTest() {
        super("vfs", FsType.XFS);
    }
}
