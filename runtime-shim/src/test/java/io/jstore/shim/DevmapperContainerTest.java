package io.jstore.shim;

import io.jstore.linux.testing.FsType;

/** devmapper on a reflink pool: the filesystem of a block device mounted as the root inside the namespace. */
class DevmapperContainerTest extends ContainerRuntimeTest {
    DevmapperContainerTest() {
        super("devmapper", FsType.XFS);
    }

    @Override
    java.util.List<String> ephemeralMountWords() {
        return java.util.List.of("norecovery", "nobarrier");
    }
}
