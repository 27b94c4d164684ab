package io.jstore.driver.overlay;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** The conformance suite for overlay on ext4: copy-up copies the data. */
class OverlayOnExt4Test extends DriverConformance {
    OverlayOnExt4Test(@Scratch(type = FsType.EXT4, sizeMiB = 1024) ScratchFilesystem fs) {
        super(new OverlayDriverProvider(), fs);
    }
}
