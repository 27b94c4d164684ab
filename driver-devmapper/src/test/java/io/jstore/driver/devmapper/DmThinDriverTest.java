package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.layer.Change;
import io.jstore.linux.Filesystems;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver on the dm-thin pool; runs where device-mapper is (inside the test VM here). */
class DmThinDriverTest {
    private static final Map<String, String> OPTIONS = Map.of(DevmapperOptions.POOL, "dm-thin",
            DevmapperOptions.BASESIZE, "512M", DevmapperOptions.POOLSIZE, "1G", DevmapperOptions.METADATASIZE, "64M");

    @BeforeEach
    void needsDmThin() {
        Root.assumeRoot();
        Optional<String> why = DmThinPool.whyNot();
        Assumptions.assumeTrue(why.isEmpty(), () -> why.get() + "; DmThinVmTest runs these in a VM");
    }

    @Test
    void layersOnThinDevicesDivergeAndGo(@Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs)
            throws Exception {
        Path home = fs.root().resolve("dm");
        DevmapperDriver d = DevmapperDriver.open(home, OPTIONS);
        try {
            assertTrue(d.pool() instanceof DmThinPool, d.pool().toString());
            d.create("L1", null, CreateOptions.DEFAULT);
            Path l1 = d.get("L1");
            assertEquals(Filesystems.EXT4_MAGIC, Filesystems.statfs(l1).magic());
            Files.writeString(l1.resolve("a"), "from L1");
            d.put("L1");
            assertFalse(MountInfo.isMountPoint(l1));
            assertTrue(d.pool().activePath("L1").isEmpty(), "the last put removes the thin device");

            d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
            List<MountSpec> specs = d.mounts("C1");
            assertTrue(specs.get(0).source().startsWith("/dev/dm-"), specs.toString());
            Path c1 = d.get("C1");
            Files.writeString(c1.resolve("a"), "from C1");
            Files.writeString(c1.resolve("b"), "new");
            d.put("C1");
            assertEquals("from L1", Files.readString(d.get("L1").resolve("a")));
            d.put("L1");
            List<String> changed = d.changes("C1", null).stream().map(Change::path).sorted().toList();
            assertEquals(List.of("a", "b"), changed.stream().map(p -> p.replaceFirst("^/", "")).toList());
            assertThrows(DriverException.LayerInUseException.class, () -> d.remove("L1"));
            assertTrue(d.status().details().get("Pool").startsWith("dm-thin"), d.status().toString());
        } finally {
            d.cleanup();
            d.close();
        }
        DevmapperDriver again = DevmapperDriver.open(home, Map.of());
        try {
            assertTrue(again.exists("C1") && again.exists("L1"), "layers survive a reopen");
            assertEquals("from C1", Files.readString(again.get("C1").resolve("a")));
            again.put("C1");
            again.remove("C1");
            again.remove("L1");
            assertEquals(List.of(BaseDevice.NAME), again.pool().list().stream().map(ThinDevice::name).toList());
        } finally {
            again.cleanup();
            again.close();
            ((DmThinPool) again.pool()).deactivatePool();
        }
    }
}
