package io.jstore.driver.devmapper;

import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite on the kernel's dm-thin pool, with ext4 in every device. This
 * kernel has no device-mapper, so it skips here; {@link DmThinVmTest} runs the cases
 * {@link #IN_VM} names inside the test VM.
 */
class DevmapperOnDmThinTest extends DriverConformance {
    /**
     * What the VM runs: the cases issue 6 names (snapshots and diverging writes, remove, reopen
     * after close and after a crash; DmThinPoolTest covers a crash between a pool message and
     * jstore's metadata). Software emulation makes each case take 10-40 s there, so not the
     * whole suite. The full-filesystem case could not run anyway: it fills the fixture under the
     * pool's data file, which fails the pool's I/O, not the device's filesystem.
     */
    static final String[] IN_VM = {
        "writesInAReadWriteLayerNeverReachItsParentOrSiblings",
        "removeRefusesParentsAndMountedLayersAndFreesTheId",
        "reopenedAfterCloseFindsItsLayersIntact",
        "reopenedAfterACrashRemovesHalfMadeLayersAndStaleMounts",
    };

    DevmapperOnDmThinTest(@Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs) {
        super(new DevmapperDriverProvider(), fs);
    }

    @BeforeAll
    void needsDmThin() {
        Optional<String> why = DmThinPool.whyNot();
        Assumptions.assumeTrue(why.isEmpty(), () -> why.get() + "; DmThinVmTest runs these in a VM");
    }

    /** The pool device outlives a driver (other users may share it); the fixture must not. */
    @AfterEach
    void deactivatePool() throws Exception {
        if (driver == null) return;
        driver.cleanup();
        if (((DevmapperDriver) driver).pool() instanceof DmThinPool p) p.deactivatePool();
    }

    @Override
    protected Map<String, String> options() {
        return Map.of(DevmapperOptions.POOL, "dm-thin", DevmapperOptions.FS, "ext4", DevmapperOptions.BASESIZE, "512M",
                DevmapperOptions.POOLSIZE, "1G", DevmapperOptions.METADATASIZE, "64M");
    }
}
