package io.jstore.engine.containerd;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** {@link ContainerdTest} over overlay: containerd unpacks straight into the upper dir jstore hands it. */
class OverlayContainerdTest extends ContainerdTest {
    OverlayContainerdTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) {
        super(fs);
        driver = "overlay";
    }
}
