package io.jstore.driver.devmapper;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.util.Map;

/** The conformance suite on a reflink pool on btrfs, with xfs in every device. */
class DevmapperOnBtrfsTest extends DriverConformance {
    DevmapperOnBtrfsTest(@Scratch(type = FsType.BTRFS, sizeMiB = 2048) ScratchFilesystem fs) {
        super(new DevmapperDriverProvider(), fs);
    }

    /** The pool's base device (mkfs.xfs: log and metadata) takes more than the default fixture leaves. */
    @Override
    protected long smallFixtureMiB() {
        return 400;
    }

    @Override
    protected Map<String, String> options() {
        return Map.of(DevmapperOptions.POOL, "reflink", DevmapperOptions.FS, "xfs", DevmapperOptions.BASESIZE, "512M");
    }
}
