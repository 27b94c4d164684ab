package io.jstore.driver.vfs;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** The conformance suite for vfs on xfs with reflink: copies share extents (FICLONE). */
class VfsOnXfsTest extends DriverConformance {
    VfsOnXfsTest(@Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs) {
        super(new VfsProvider(), fs);
    }
}
