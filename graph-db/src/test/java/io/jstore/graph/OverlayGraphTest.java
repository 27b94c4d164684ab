package io.jstore.graph;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;

/** Every {@link GraphTest} over overlay: mounts that are real mounts, native diffs, detached mounts across processes. */
class OverlayGraphTest extends GraphTest {
    OverlayGraphTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) {
        super(fs);
        driver = "overlay";
    }
}
