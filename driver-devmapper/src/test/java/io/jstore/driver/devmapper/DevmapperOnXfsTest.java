package io.jstore.driver.devmapper;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.util.Map;

/** The conformance suite on a reflink pool on xfs, with ext4 in every device. */
class DevmapperOnXfsTest extends DriverConformance {
    DevmapperOnXfsTest(@Scratch(type = FsType.XFS, sizeMiB = 2048) ScratchFilesystem fs) {
        super(new DevmapperDriverProvider(), fs);
    }

    @Override
    protected Map<String, String> options() {
        return Map.of(DevmapperOptions.POOL, "reflink", DevmapperOptions.FS, "ext4", DevmapperOptions.BASESIZE, "512M");
    }
}
