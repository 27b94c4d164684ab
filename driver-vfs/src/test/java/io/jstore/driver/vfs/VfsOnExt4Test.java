package io.jstore.driver.vfs;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** The conformance suite for vfs on ext4: copies by copy_file_range. */
class VfsOnExt4Test extends DriverConformance {
    VfsOnExt4Test(@Scratch(type = FsType.EXT4, sizeMiB = 1024) ScratchFilesystem fs) {
        super(new VfsProvider(), fs);
    }
}
