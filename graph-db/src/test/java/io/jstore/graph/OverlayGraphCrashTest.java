package io.jstore.graph;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** Every {@link GraphCrashTest} over overlay, where a killed holder leaves a real mount for repair to take down. */
class OverlayGraphCrashTest extends GraphCrashTest {
    OverlayGraphCrashTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) throws java.io.IOException {
        super(fs);
        driver = "overlay";
    }
}
