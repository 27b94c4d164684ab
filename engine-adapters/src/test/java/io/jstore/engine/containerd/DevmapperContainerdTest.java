package io.jstore.engine.containerd;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/**
 * {@link ContainerdTest} over devmapper (here its reflink pool on xfs): the mounts containerd
 * performs are a block filesystem on a loop device, the kind of mount it does itself.
 */
class DevmapperContainerdTest extends ContainerdTest {
    DevmapperContainerdTest(@Scratch(type = FsType.XFS, sizeMiB = 2048) ScratchFilesystem fs) {
        super(fs);
        driver = "devmapper";
    }
}
