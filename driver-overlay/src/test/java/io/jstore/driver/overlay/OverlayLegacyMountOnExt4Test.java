package io.jstore.driver.overlay;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.util.Map;

/** The conformance suite again with the mount(2) fallback forced: the path older kernels take. */
class OverlayLegacyMountOnExt4Test extends DriverConformance {
    OverlayLegacyMountOnExt4Test(@Scratch(type = FsType.EXT4, sizeMiB = 1024) ScratchFilesystem fs) {
        super(new OverlayDriverProvider(), fs);
    }

    @Override
    protected Map<String, String> options() {
        return Map.of(OverlayOptions.MOUNT_API, "legacy");
    }
}
