package io.jstore.driver.overlay;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** The conformance suite for overlay on xfs with reflink: copy-up clones, lowerdir+ where the kernel has it. */
class OverlayOnXfsTest extends DriverConformance {
    OverlayOnXfsTest(@Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs) {
        super(new OverlayDriverProvider(), fs);
    }
}
